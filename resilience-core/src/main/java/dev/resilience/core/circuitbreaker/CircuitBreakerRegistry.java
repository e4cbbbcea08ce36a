package dev.resilience.core.circuitbreaker;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.PolicyRegistry;

/** Named {@link CircuitBreaker} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class CircuitBreakerRegistry extends PolicyRegistry<CircuitBreakerConfig, CircuitBreaker> {

    /** A registry whose instances read {@code clock}. */
    public CircuitBreakerRegistry(Clock clock) {
        super(CircuitBreakerConfig.ofDefaults(), (name, config) -> CircuitBreaker.of(name, config, clock), CircuitBreaker::name);
    }

    /** A registry on the system clock. */
    public CircuitBreakerRegistry() {
        this(Clock.system());
    }
}

package dev.resilience.core.retry;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.PolicyRegistry;

/** Named {@link Retry} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class RetryRegistry extends PolicyRegistry<RetryConfig, Retry> {

    /** A registry whose instances read {@code clock}. */
    public RetryRegistry(Clock clock) {
        super(RetryConfig.ofDefaults(), (name, config) -> Retry.of(name, config, clock), Retry::name);
    }

    /** A registry on the system clock. */
    public RetryRegistry() {
        this(Clock.system());
    }
}

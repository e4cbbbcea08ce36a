package dev.resilience.core.timeout;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.PolicyRegistry;

/** Named {@link Timeout} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class TimeoutRegistry extends PolicyRegistry<TimeoutConfig, Timeout> {

    /** A registry whose instances read {@code clock}. */
    public TimeoutRegistry(Clock clock) {
        super(TimeoutConfig.ofDefaults(), (name, config) -> Timeout.of(name, config, clock), Timeout::name);
    }

    /** A registry on the system clock. */
    public TimeoutRegistry() {
        this(Clock.system());
    }
}

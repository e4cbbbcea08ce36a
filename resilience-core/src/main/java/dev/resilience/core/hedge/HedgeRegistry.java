package dev.resilience.core.hedge;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.spi.Clock;

/** Named {@link Hedge} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class HedgeRegistry extends PolicyRegistry<HedgeConfig, Hedge> {

    /** A registry whose instances read {@code clock}. */
    public HedgeRegistry(Clock clock) {
        super(HedgeConfig.ofDefaults(), (name, config) -> Hedge.of(name, config, clock), Hedge::name);
    }

    /** A registry on the system clock. */
    public HedgeRegistry() {
        this(Clock.system());
    }
}

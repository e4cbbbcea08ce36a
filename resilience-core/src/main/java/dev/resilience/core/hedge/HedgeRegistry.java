package dev.resilience.core.hedge;

import java.util.concurrent.Executor;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.spi.Clock;

/** Named {@link Hedge} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class HedgeRegistry extends PolicyRegistry<HedgeConfig, Hedge> {

    /**
     * A registry whose instances read {@code clock} and run the extra attempts of synchronous calls on
     * {@code executor} unless their config names one ({@code null}: on their pipeline's executor).
     */
    public HedgeRegistry(Clock clock, Executor executor) {
        super(HedgeConfig.ofDefaults(), (name, config) -> Hedge.of(name,
                executor == null || config.executor() != null ? config
                        : HedgeConfig.from(config).executor(executor).build(), clock), Hedge::name);
    }

    /** A registry whose instances read {@code clock}. */
    public HedgeRegistry(Clock clock) {
        this(clock, null);
    }

    /** A registry on the system clock. */
    public HedgeRegistry() {
        this(Clock.system());
    }
}

package dev.resilience.core.chaos;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.spi.Clock;

/** Named {@link Chaos} instances with inheriting configs. */
public class ChaosRegistry extends PolicyRegistry<ChaosConfig, Chaos> {

    public ChaosRegistry(Clock clock) {
        this(clock, ChaosRandom.unseeded());
    }

    /** Instances drawing from {@code random}: seeded in tests. */
    public ChaosRegistry(Clock clock, ChaosRandom random) {
        super(ChaosConfig.ofDefaults(), (name, config) -> Chaos.of(name, config, clock, random), Chaos::name);
    }
}

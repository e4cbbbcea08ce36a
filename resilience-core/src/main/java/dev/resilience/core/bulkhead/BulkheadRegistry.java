package dev.resilience.core.bulkhead;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.PolicyRegistry;

/** Named {@link Bulkhead} instances built from inheriting configs; see {@link PolicyRegistry}. */
public class BulkheadRegistry extends PolicyRegistry<BulkheadConfig, Bulkhead> {

    /** A registry whose instances read {@code clock}. */
    public BulkheadRegistry(Clock clock) {
        this(BulkheadConfig.ofDefaults(), clock);
    }

    /**
     * A registry whose configs all derive from {@code builtIn} instead of {@link BulkheadConfig#ofDefaults()}: e.g.
     * with an {@link BulkheadConfig#overloadPredicate() overload predicate} an integration knows.
     */
    public BulkheadRegistry(BulkheadConfig builtIn, Clock clock) {
        super(builtIn, (name, config) -> Bulkhead.of(name, config, clock), Bulkhead::name);
    }

    /** A registry on the system clock. */
    public BulkheadRegistry() {
        this(Clock.system());
    }
}

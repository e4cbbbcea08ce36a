package dev.resilience.spring.metrics;

import java.util.concurrent.TimeUnit;

import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters of every hedge, tagged {@code name}: {@code resilience.hedge.calls} ({@code kind} {@code all} or
 * {@code hedged}), {@code resilience.hedge.attempts} (extra attempts started), {@code resilience.hedge.wins}
 * (calls whose outcome came from an extra attempt) and {@code resilience.hedge.delay} (what a call starting now
 * would wait before its first extra attempt).
 */
public class HedgeMeterBinder implements MeterBinder {

    private final HedgeRegistry hedges;

    public HedgeMeterBinder(HedgeRegistry hedges) {
        this.hedges = hedges;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        hedges.onInstanceCreated(hedge -> bind(registry, hedge));
    }

    private static void bind(MeterRegistry registry, Hedge hedge) {
        String name = hedge.name();
        FunctionCounter.builder("resilience.hedge.calls", hedge, Hedge::calls).tag("name", name).tag("kind", "all")
                .description("Calls made through the hedge").register(registry);
        FunctionCounter.builder("resilience.hedge.calls", hedge, Hedge::hedgedCalls).tag("name", name)
                .tag("kind", "hedged").description("Calls that got at least one extra attempt").register(registry);
        FunctionCounter.builder("resilience.hedge.attempts", hedge, Hedge::hedgesLaunched).tag("name", name)
                .description("Extra attempts started").register(registry);
        FunctionCounter.builder("resilience.hedge.wins", hedge, Hedge::hedgeWins).tag("name", name)
                .description("Calls whose outcome came from an extra attempt").register(registry);
        TimeGauge.builder("resilience.hedge.delay", hedge, TimeUnit.NANOSECONDS, h -> h.currentDelay().toNanos())
                .tag("name", name).description("The delay before a call's first extra attempt, now")
                .register(registry);
    }
}

package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeDelay;
import dev.resilience.core.hedge.HedgeRegistry;

/** {@code /actuator/hedges}: every hedge's settings, counts and the delay a call starting now would wait. */
@Endpoint(id = "hedges")
public class HedgesEndpoint {

    private final HedgeRegistry registry;

    public HedgesEndpoint(HedgeRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public Map<String, Object> hedges() {
        Map<String, Object> hedges = new LinkedHashMap<>();
        for (Hedge hedge : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("maxHedges", hedge.config().maxHedges());
            view.put("delay", delay(hedge.config().delay()));
            view.put("currentDelayMillis", hedge.currentDelay().toNanos() / 1e6);
            view.put("calls", hedge.calls());
            view.put("hedgedCalls", hedge.hedgedCalls());
            view.put("hedgesLaunched", hedge.hedgesLaunched());
            view.put("hedgeWins", hedge.hedgeWins());
            hedges.put(hedge.name(), view);
        }
        return Map.of("hedges", hedges);
    }

    /** {@code p95} as configured, or a fixed delay in milliseconds ({@code 100ms}; ISO-8601 below a millisecond). */
    private static String delay(HedgeDelay delay) {
        if (delay.isPercentile()) {
            return delay.toString();
        }
        java.time.Duration duration = delay.duration();
        return duration.toNanos() % 1_000_000 == 0 ? duration.toMillis() + "ms" : duration.toString();
    }
}

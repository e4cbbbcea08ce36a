package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeDelay;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/hedges}: every hedge's settings, counts and the delay a call starting now would wait;
 * {@code /actuator/hedges/{name}} one of them, with its last live settings change once there is one.
 */
@Endpoint(id = "hedges")
public class HedgesEndpoint {

    private final HedgeRegistry registry;
    private final ConfigChanges changes;

    public HedgesEndpoint(HedgeRegistry registry) {
        this(registry, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each hedge, shown in its detail once there is one */
    public HedgesEndpoint(HedgeRegistry registry, ConfigChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> hedges() {
        Map<String, Object> hedges = new LinkedHashMap<>();
        for (Hedge hedge : registry.all()) {
            hedges.put(hedge.name(), view(hedge));
        }
        return Map.of("hedges", hedges);
    }

    @ReadOperation
    public WebEndpointResponse<Object> hedge(@Selector String name) {
        return InstanceResponses.detailOrNotFound(registry.find(name), this::detail, "hedge", name);
    }

    private Map<String, Object> detail(Hedge hedge) {
        Map<String, Object> detail = view(hedge);
        changes.addTo(detail, PolicyKind.HEDGE, hedge.name());
        return detail;
    }

    private static Map<String, Object> view(Hedge hedge) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("maxHedges", hedge.config().maxHedges());
        view.put("delay", delay(hedge.config().delay()));
        view.put("currentDelayMillis", hedge.currentDelay().toNanos() / 1e6);
        view.put("calls", hedge.calls());
        view.put("hedgedCalls", hedge.hedgedCalls());
        view.put("hedgesLaunched", hedge.hedgesLaunched());
        view.put("hedgeWins", hedge.hedgeWins());
        return view;
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

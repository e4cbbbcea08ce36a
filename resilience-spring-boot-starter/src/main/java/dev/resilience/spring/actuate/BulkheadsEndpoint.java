package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.bulkhead.InFlightCall;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/bulkheads}: every bulkhead's permits, the calls waiting for one, and the calls inside it right
 * now (with whether their caller has already timed out while they run). {@code limit} is the limit in force next
 * to the live calls: {@code maxConcurrentCalls} for a fixed bulkhead, the limit found so far for an adaptive one.
 */
@Endpoint(id = "bulkheads")
public class BulkheadsEndpoint {

    private final BulkheadRegistry registry;
    private final ConfigChanges changes;

    public BulkheadsEndpoint(BulkheadRegistry registry) {
        this(registry, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each bulkhead, shown in its detail once there is one */
    public BulkheadsEndpoint(BulkheadRegistry registry, ConfigChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> bulkheads() {
        Map<String, Object> bulkheads = new LinkedHashMap<>();
        for (Bulkhead bulkhead : registry.all()) {
            bulkheads.put(bulkhead.name(), view(bulkhead));
        }
        return Map.of("bulkheads", bulkheads);
    }

    /** One bulkhead, with its last live settings change once there is one. */
    @ReadOperation
    public WebEndpointResponse<Object> bulkhead(@Selector String name) {
        return InstanceResponses.detailOrNotFound(registry.find(name), this::detail, "bulkhead", name);
    }

    private Map<String, Object> detail(Bulkhead bulkhead) {
        Map<String, Object> detail = view(bulkhead);
        changes.addTo(detail, PolicyKind.BULKHEAD, bulkhead.name());
        return detail;
    }

    private static Map<String, Object> view(Bulkhead bulkhead) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("maxConcurrentCalls", bulkhead.config().maxConcurrentCalls());
        view.put("activeCalls", bulkhead.activeCalls());
        view.put("availablePermits", bulkhead.availablePermits());
        view.put("waitingCalls", bulkhead.waitingCalls());
        view.put("rejectedCalls", bulkhead.rejectedCalls());
        view.put("type", bulkhead.config().type().name().toLowerCase(Locale.ROOT));
        view.put("limit", bulkhead.limit());
        view.put("calls", calls(bulkhead.inFlightCalls()));
        return view;
    }

    private static List<Map<String, Object>> calls(List<InFlightCall> calls) {
        return calls.stream().map(call -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("call", call.call());
            entry.put("thread", call.thread());
            entry.put("startedAt", call.startedAt().toString());
            entry.put("durationMillis", call.duration().toMillis());
            entry.put("timedOut", call.timedOut());
            return entry;
        }).toList();
    }
}

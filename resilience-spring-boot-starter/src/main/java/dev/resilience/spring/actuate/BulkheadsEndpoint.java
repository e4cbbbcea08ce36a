package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.bulkhead.InFlightCall;

/**
 * {@code /actuator/bulkheads}: every bulkhead's permits, the calls waiting for one, and the calls inside it right
 * now (with whether their caller has already timed out while they run). {@code limit} is the limit in force next
 * to the live calls: {@code maxConcurrentCalls} for a fixed bulkhead, the limit found so far for an adaptive one.
 */
@Endpoint(id = "bulkheads")
public class BulkheadsEndpoint {

    private final BulkheadRegistry registry;

    public BulkheadsEndpoint(BulkheadRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public Map<String, Object> bulkheads() {
        Map<String, Object> bulkheads = new LinkedHashMap<>();
        for (Bulkhead bulkhead : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("maxConcurrentCalls", bulkhead.config().maxConcurrentCalls());
            view.put("activeCalls", bulkhead.activeCalls());
            view.put("availablePermits", bulkhead.availablePermits());
            view.put("waitingCalls", bulkhead.waitingCalls());
            view.put("rejectedCalls", bulkhead.rejectedCalls());
            view.put("type", bulkhead.config().type().name().toLowerCase(Locale.ROOT));
            view.put("limit", bulkhead.limit());
            view.put("calls", calls(bulkhead.inFlightCalls()));
            bulkheads.put(bulkhead.name(), view);
        }
        return Map.of("bulkheads", bulkheads);
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

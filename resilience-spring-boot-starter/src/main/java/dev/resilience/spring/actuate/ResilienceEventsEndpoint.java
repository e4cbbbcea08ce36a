package dev.resilience.spring.actuate;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.spring.events.InjectedEvents;
import dev.resilience.spring.events.RecentEvents;

/**
 * {@code /actuator/resilienceevents}: the recent events of every instance, newest first; {@code ?name=} and
 * {@code ?policy=} filter (an unknown policy matches nothing). An event that fault injection caused (an injected
 * fault or delay, or another policy's event whose error was injected) says {@code "injected": true}.
 */
@Endpoint(id = "resilienceevents")
public class ResilienceEventsEndpoint {

    private final RecentEvents events;

    public ResilienceEventsEndpoint(RecentEvents events) {
        this.events = events;
    }

    @ReadOperation
    public Map<String, Object> events(@Nullable String name, @Nullable String policy) {
        List<Map<String, Object>> selected;
        if (policy == null) {
            selected = views(events.newestFirst(name, null));
        } else {
            selected = Arrays.stream(PolicyKind.values()).filter(kind -> kind.id().equalsIgnoreCase(policy))
                    .findFirst().map(kind -> views(events.newestFirst(name, kind))).orElse(List.of());
        }
        return Map.of("events", selected);
    }

    private static List<Map<String, Object>> views(List<ResilienceEvent> events) {
        return events.stream().map(ResilienceEventsEndpoint::view).toList();
    }

    private static Map<String, Object> view(ResilienceEvent event) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("time", event.time().toString());
        view.put("policy", event.policy().id());
        view.put("name", event.name());
        view.put("type", event.type().name());
        view.put("detail", event.detail());
        if (!event.reason().isEmpty()) {
            view.put("reason", event.reason());
        }
        if (event.error() != null) {
            view.put("error", event.error().getClass().getName() + ": " + event.error().getMessage());
        }
        if (InjectedEvents.isInjected(event)) {
            view.put("injected", true);
        }
        return view;
    }
}

package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.spring.events.RecentEvents;

/** {@code /actuator/resilienceevents}: recent events, newest first; {@code ?name=} and {@code ?policy=} filter. */
@Endpoint(id = "resilienceevents")
public class ResilienceEventsEndpoint {

    private final RecentEvents events;

    public ResilienceEventsEndpoint(RecentEvents events) {
        this.events = events;
    }

    @ReadOperation
    public Map<String, Object> events(@Nullable String name, @Nullable String policy) {
        List<Map<String, Object>> selected = events.newestFirst().stream()
                .filter(event -> name == null || event.name().equals(name))
                .filter(event -> policy == null || event.policy().id().equalsIgnoreCase(policy))
                .map(ResilienceEventsEndpoint::view)
                .toList();
        return Map.of("events", selected);
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
        return view;
    }
}

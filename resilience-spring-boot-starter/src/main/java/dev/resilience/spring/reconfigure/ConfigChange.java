package dev.resilience.spring.reconfigure;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one live change of the {@code resilience.*} settings ({@link ResilienceReconfiguration#reconfigure()}).
 *
 * @param time     when it was tried
 * @param status   whether it was applied
 * @param changed  the {@code resilience.*} properties that changed (added, removed or given another value), sorted
 * @param property the property at fault when it was rejected, else {@code null}
 * @param message  what happened: for a rejection, the property and what is expected
 */
public record ConfigChange(Instant time, Status status, List<String> changed, String property, String message) {

    /** Whether a change was applied. */
    public enum Status {
        /** Every setting took its new value, in place. */
        APPLIED,
        /** Nothing changed: a setting was invalid, or cannot change while the application runs. */
        REJECTED,
        /** The {@code resilience.*} properties were the same as those in use: nothing to do. */
        UNCHANGED
    }

    public ConfigChange {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(status, "status");
        changed = List.copyOf(changed);
        Objects.requireNonNull(message, "message");
    }

    /** {@code {"time": ..., "status": "REJECTED", "property": ..., "message": ...}}, for the actuator endpoints. */
    public Map<String, Object> toMap() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("time", time.toString());
        view.put("status", status.name());
        if (property != null) {
            view.put("property", property);
        }
        view.put("message", message);
        return view;
    }
}

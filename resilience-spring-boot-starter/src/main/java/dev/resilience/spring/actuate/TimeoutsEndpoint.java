package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/** {@code /actuator/timeouts}: every timeout's limit and outcome counts. */
@Endpoint(id = "timeouts")
public class TimeoutsEndpoint {

    private final TimeoutRegistry registry;
    private final ConfigChanges changes;

    public TimeoutsEndpoint(TimeoutRegistry registry) {
        this(registry, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each timeout, shown in its view once there is one */
    public TimeoutsEndpoint(TimeoutRegistry registry, ConfigChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> timeouts() {
        Map<String, Object> timeouts = new LinkedHashMap<>();
        for (Timeout timeout : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("durationMillis", timeout.config().duration().toMillis());
            view.put("cancelRunningFuture", timeout.config().cancelRunningFuture());
            view.put("successfulCalls", timeout.successfulCalls());
            view.put("failedCalls", timeout.failedCalls());
            view.put("timedOutCalls", timeout.timedOutCalls());
            changes.addTo(view, PolicyKind.TIMEOUT, timeout.name());
            timeouts.put(timeout.name(), view);
        }
        return Map.of("timeouts", timeouts);
    }
}

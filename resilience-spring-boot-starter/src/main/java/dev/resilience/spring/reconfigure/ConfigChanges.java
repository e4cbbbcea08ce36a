package dev.resilience.spring.reconfigure;

import java.util.Map;
import java.util.Optional;

import dev.resilience.core.event.PolicyKind;

/** The last live change of the settings that concerned an instance, for its actuator detail. */
@FunctionalInterface
public interface ConfigChanges {

    /** For applications without live reconfiguration: never any change. */
    ConfigChanges NONE = (kind, name) -> Optional.empty();

    /** The last change that concerned instance {@code name} of {@code kind}, if any did since it was built. */
    Optional<ConfigChange> lastChange(PolicyKind kind, String name);

    /** Adds {@code lastConfigChange} to an actuator view of instance {@code name} once a change concerned it. */
    default void addTo(Map<String, Object> view, PolicyKind kind, String name) {
        lastChange(kind, name).ifPresent(change -> view.put("lastConfigChange", change.toMap()));
    }
}

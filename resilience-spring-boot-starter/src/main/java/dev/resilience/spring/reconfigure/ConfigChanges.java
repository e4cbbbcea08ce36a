package dev.resilience.spring.reconfigure;

import java.util.Optional;

import dev.resilience.core.event.PolicyKind;

/** The last live change of the settings that concerned an instance, for its actuator detail. */
@FunctionalInterface
public interface ConfigChanges {

    /** For applications without live reconfiguration: never any change. */
    ConfigChanges NONE = (kind, name) -> Optional.empty();

    /** The last change that concerned instance {@code name} of {@code kind}, if any did since it was built. */
    Optional<ConfigChange> lastChange(PolicyKind kind, String name);
}

package dev.resilience.spring.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code configs} and {@code instances} maps every policy has.
 *
 * @param <S> the settings type of the policy
 */
public abstract class PolicyProperties<S extends PolicySettings> {

    /** Shared configs by name; "default" applies to every instance unless overridden. */
    private final Map<String, S> configs = new LinkedHashMap<>();

    /** Settings of individual instances by name; each inherits from its base-config (default: "default"). */
    private final Map<String, S> instances = new LinkedHashMap<>();

    public Map<String, S> getConfigs() {
        return configs;
    }

    public Map<String, S> getInstances() {
        return instances;
    }
}

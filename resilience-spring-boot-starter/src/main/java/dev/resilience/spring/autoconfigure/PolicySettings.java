package dev.resilience.spring.autoconfigure;

/**
 * Settings of one config or instance. Every field is optional: {@code null} inherits from the base.
 */
public abstract class PolicySettings {

    /** Config this one inherits from; defaults to {@code default}. */
    private String baseConfig;

    public String getBaseConfig() {
        return baseConfig;
    }

    public void setBaseConfig(String baseConfig) {
        this.baseConfig = baseConfig;
    }
}

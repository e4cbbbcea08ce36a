package dev.resilience.spring.reconfigure;

import java.util.Locale;
import java.util.Objects;

import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Applies changed {@code resilience.*} settings when Spring Cloud announces an environment change
 * ({@code /actuator/refresh}, a config server, Kubernetes config maps) whose keys include one of them. Ordered
 * first, so the change is applied (or its rejection reported) before Spring Cloud rebinds the
 * {@code @ConfigurationProperties} beans, which fails for a value that does not bind.
 */
public class ResilienceEnvironmentChangeListener implements ApplicationListener<EnvironmentChangeEvent>, Ordered {

    private final ResilienceReconfiguration reconfiguration;

    public ResilienceEnvironmentChangeListener(ResilienceReconfiguration reconfiguration) {
        this.reconfiguration = Objects.requireNonNull(reconfiguration, "reconfiguration");
    }

    @Override
    public void onApplicationEvent(EnvironmentChangeEvent event) {
        if (event.getKeys().stream().anyMatch(ResilienceEnvironmentChangeListener::isResilienceKey)) {
            reconfiguration.reconfigure();
        }
    }

    /** {@code resilience.…} as written in yml or properties, or {@code RESILIENCE_…} as an environment variable. */
    static boolean isResilienceKey(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.startsWith("resilience.") || lower.startsWith("resilience_") || lower.startsWith("resilience[");
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}

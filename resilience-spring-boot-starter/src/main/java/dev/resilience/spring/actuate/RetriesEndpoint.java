package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;

/** {@code /actuator/retries}: every retry's outcome counts. */
@Endpoint(id = "retries")
public class RetriesEndpoint {

    private final RetryRegistry registry;

    public RetriesEndpoint(RetryRegistry registry) {
        this.registry = registry;
    }

    @ReadOperation
    public Map<String, Object> retries() {
        Map<String, Object> retries = new LinkedHashMap<>();
        for (Retry retry : registry.all()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("maxAttempts", retry.config().maxAttempts());
            view.put("successfulWithoutRetry", retry.successfulWithoutRetry());
            view.put("successfulWithRetry", retry.successfulWithRetry());
            view.put("failedWithRetry", retry.failedWithRetry());
            view.put("failedWithoutRetry", retry.failedWithoutRetry());
            retries.put(retry.name(), view);
        }
        return Map.of("retries", retries);
    }
}

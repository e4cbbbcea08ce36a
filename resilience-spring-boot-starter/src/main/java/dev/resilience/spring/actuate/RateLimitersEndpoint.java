package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/ratelimiters}: every rate limiter's limit, its shared bucket's free permits, the calls waiting
 * for one, its counts and how many keys have a bucket of their own, with its config; {@code /{name}} one of them.
 */
@Endpoint(id = "ratelimiters")
public class RateLimitersEndpoint {

    private final RateLimiterRegistry registry;
    private final ConfigChanges changes;

    public RateLimitersEndpoint(RateLimiterRegistry registry) {
        this(registry, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each limiter, shown in its detail once there is one */
    public RateLimitersEndpoint(RateLimiterRegistry registry, ConfigChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> rateLimiters() {
        Map<String, Object> limiters = new LinkedHashMap<>();
        for (RateLimiter limiter : registry.all()) {
            limiters.put(limiter.name(), view(limiter));
        }
        return Map.of("rateLimiters", limiters);
    }

    @ReadOperation
    public WebEndpointResponse<Object> rateLimiter(@Selector String name) {
        return InstanceResponses.detailOrNotFound(registry.find(name), this::detail, "rate limiter", name);
    }

    private Map<String, Object> detail(RateLimiter limiter) {
        Map<String, Object> detail = view(limiter);
        changes.addTo(detail, PolicyKind.RATE_LIMITER, limiter.name());
        return detail;
    }

    private static Map<String, Object> view(RateLimiter limiter) {
        RateLimiterConfig config = limiter.config();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("limit", config.limitForPeriod());
        view.put("period", config.limitRefreshPeriod().toString());
        view.put("type", config.type().name());
        view.put("scope", config.scope().name());
        view.put("availablePermits", limiter.availablePermits());
        view.put("waitingCalls", limiter.waitingCalls());
        view.put("rejectedCalls", limiter.rejectedCalls());
        view.put("permittedCalls", limiter.permittedCalls());
        view.put("keys", limiter.keys());
        view.put("config", config(config));
        return view;
    }

    private static Map<String, Object> config(RateLimiterConfig config) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("limitForPeriod", config.limitForPeriod());
        settings.put("limitRefreshPeriod", config.limitRefreshPeriod().toString());
        settings.put("type", config.type().name());
        settings.put("maxWaitDuration", config.maxWaitDuration().toString());
        settings.put("maxKeys", config.maxKeys());
        settings.put("scope", config.scope().name());
        settings.put("expectedInstances", config.expectedInstances());
        settings.put("onEngineFailure", config.onEngineFailure().name());
        return settings;
    }
}

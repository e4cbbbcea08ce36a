package dev.resilience.spring.ratelimiter.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.EngineState;

/**
 * The {@code clusterRateLimiters} health component: for each cluster-wide rate limiter, whether it takes its
 * permits from the shared bucket or, its engine lost, from a local fallback (or rejects), since when and why.
 * Status UP while every limiter shares its bucket, {@code ENGINE_LOST} while one does not: the service still
 * limits (its share of the limit, or by rejecting), so it is degraded, not down; the engine's own health
 * indicator (Hazelcast, Redis) says whether the engine is down.
 */
public class ClusterRateLimitersHealthIndicator implements HealthIndicator {

    /** A cluster-wide limiter cannot reach its engine and limits on its own. */
    public static final Status ENGINE_LOST = new Status("ENGINE_LOST");

    private final ClusterPermitBuckets buckets;

    public ClusterRateLimitersHealthIndicator(ClusterPermitBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public Health health() {
        Map<String, Object> limiters = new LinkedHashMap<>();
        boolean lost = false;
        for (EngineState state : buckets.states().values()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("mode", state.mode().name());
            detail.put("since", state.since().toString());
            detail.put("limitForPeriod", state.limitForPeriod());
            detail.put("limitRefreshPeriod", state.period().toString());
            if (!state.shared()) {
                lost = true;
                detail.put("fallbackLimitForPeriod", state.fallbackLimit());
            }
            detail.put("description", state.describe());
            state.lastError().ifPresent(error -> detail.put("reason",
                    error.getClass().getName() + (error.getMessage() == null ? "" : ": " + error.getMessage())));
            limiters.put(state.name(), detail);
        }
        return Health.status(lost ? ENGINE_LOST : Status.UP).withDetail("engine", buckets.engineName())
                .withDetail("rateLimiters", limiters).build();
    }
}

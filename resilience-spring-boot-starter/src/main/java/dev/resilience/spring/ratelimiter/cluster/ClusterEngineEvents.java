package dev.resilience.spring.ratelimiter.cluster;

import org.springframework.beans.factory.ObjectProvider;

import dev.resilience.core.event.EventType;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.EngineState;
import dev.resilience.ratelimiter.cluster.EngineStateListener;

/**
 * Publishes {@link EventType#RATE_LIMITER_ENGINE_LOST} and {@link EventType#RATE_LIMITER_ENGINE_BACK} on the
 * rate limiter whose buckets lost or found their engine, so the event log, the recent-events endpoint and
 * metrics see them like any other event. The registry is looked up when an event happens (it takes its
 * buckets from the bean this listener belongs to), and only limiters it has already built are told: none is
 * created to publish.
 */
final class ClusterEngineEvents implements EngineStateListener {

    private final ObjectProvider<RateLimiterRegistry> registry;
    private volatile ClusterPermitBuckets buckets;

    ClusterEngineEvents(ObjectProvider<RateLimiterRegistry> registry) {
        this.registry = registry;
    }

    /** The buckets whose state the events describe. */
    void describe(ClusterPermitBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public void engineLost(String name, Throwable cause) {
        publish(name, EventType.RATE_LIMITER_ENGINE_LOST, cause);
    }

    @Override
    public void engineBack(String name) {
        publish(name, EventType.RATE_LIMITER_ENGINE_BACK, null);
    }

    private void publish(String name, EventType type, Throwable cause) {
        RateLimiter limiter = limiter(name);
        if (limiter == null || !limiter.events().isListening(type)) {
            return;
        }
        ClusterPermitBuckets current = buckets;
        String detail = current == null ? null : current.state(name).map(EngineState::describe).orElse(null);
        String reason = cause == null ? null : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        limiter.events().publish(type, detail, reason, cause, null);
    }

    private RateLimiter limiter(String name) {
        try {
            RateLimiterRegistry limiters = registry.getIfUnique();
            return limiters == null ? null : limiters.find(name).orElse(null);
        } catch (RuntimeException notYet) {
            // The registry is still being created, or the context is closing: nobody to tell.
            return null;
        }
    }
}

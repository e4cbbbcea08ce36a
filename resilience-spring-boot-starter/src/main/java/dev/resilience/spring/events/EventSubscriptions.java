package dev.resilience.spring.events;

import java.util.EnumSet;
import java.util.Set;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventListener;
import dev.resilience.core.event.EventType;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;

/**
 * Subscribes listeners to every instance of every registry and to every {@code @Fallback}, including those
 * created later. Only the event types below are subscribed: a successful call, a bulkhead entry and exit, or a
 * rate limiter's permit builds no event.
 */
public final class EventSubscriptions {

    /** What is recorded and logged. */
    public static final Set<EventType> RECORDED = EnumSet.complementOf(EnumSet.of(EventType.SUCCESS,
            EventType.BULKHEAD_ENTERED, EventType.BULKHEAD_EXITED, EventType.RATE_LIMITER_PERMITTED));

    private EventSubscriptions() {
    }

    /** As the other {@code subscribeAll}, with the rate limiters and the chaos instances too. */
    public static void subscribeAll(EventListener listener, CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries, RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts,
            BulkheadRegistry bulkheads, ChaosRegistry chaos, MethodPipelineFactory methods) {
        subscribeAll(listener, circuitBreakers, retries, rateLimiters, timeouts, bulkheads, methods);
        chaos.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
    }

    /** As the other {@code subscribeAll}, with the rate limiters too. */
    public static void subscribeAll(EventListener listener, CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries, RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts,
            BulkheadRegistry bulkheads, MethodPipelineFactory methods) {
        subscribeAll(listener, circuitBreakers, retries, timeouts, bulkheads, methods);
        rateLimiters.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
    }

    public static void subscribeAll(EventListener listener, CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            MethodPipelineFactory methods) {
        methods.onFallbackCreated(fallback -> fallback.events().subscribe(RECORDED, listener));
        circuitBreakers.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
        retries.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
        timeouts.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
        bulkheads.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
    }

    /** Subscribes {@code listener} to the hedges' events. */
    public static void subscribe(EventListener listener, HedgeRegistry hedges) {
        hedges.onInstanceCreated(instance -> instance.events().subscribe(RECORDED, listener));
    }
}

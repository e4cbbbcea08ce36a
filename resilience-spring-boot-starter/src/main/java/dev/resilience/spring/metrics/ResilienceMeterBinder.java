package dev.resilience.spring.metrics;

import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Meters for every instance, tagged {@code name}, and for every retry budget, tagged {@code budget}; instances
 * created after start-up get theirs as they are created. Meters read the instances' own counters: nothing is
 * added to the call path.
 */
public class ResilienceMeterBinder implements MeterBinder {

    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final TimeoutRegistry timeouts;
    private final BulkheadRegistry bulkheads;
    private final Collection<RetryBudget> budgets;
    private final ChaosRegistry chaos;

    public ResilienceMeterBinder(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads) {
        this(circuitBreakers, retries, null, timeouts, bulkheads, List.of());
    }

    /**
     * @param rateLimiters their instances get meters too; {@code null} for none
     * @param budgets      the configured retry budgets, metered even while no retry uses them (a budget a retry
     *                     uses gets its meter anyway)
     */
    public ResilienceMeterBinder(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            Collection<RetryBudget> budgets) {
        this(circuitBreakers, retries, rateLimiters, timeouts, bulkheads, budgets, null);
    }

    /**
     * As the constructor above, with {@code resilience.chaos.injected} for each chaos instance.
     *
     * @param chaos fault injection's instances, metered apart so that injected faults are never counted as
     *              real ones; {@code null} for none
     */
    public ResilienceMeterBinder(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            Collection<RetryBudget> budgets, ChaosRegistry chaos) {
        this.chaos = chaos;
        this.circuitBreakers = circuitBreakers;
        this.retries = retries;
        this.rateLimiters = rateLimiters;
        this.timeouts = timeouts;
        this.bulkheads = bulkheads;
        this.budgets = budgets;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        circuitBreakers.onInstanceCreated(breaker -> bind(registry, breaker));
        // A budget is metered once per registry, whether configured or only reached through a retry.
        java.util.Set<RetryBudget> metered = java.util.concurrent.ConcurrentHashMap.newKeySet();
        budgets.forEach(budget -> {
            if (metered.add(budget)) {
                bind(registry, budget);
            }
        });
        retries.onInstanceCreated(retry -> {
            bind(registry, retry);
            if (retry.budget() != null && metered.add(retry.budget())) {
                bind(registry, retry.budget());
            }
        });
        if (rateLimiters != null) {
            rateLimiters.onInstanceCreated(limiter -> bind(registry, limiter));
        }
        timeouts.onInstanceCreated(timeout -> bind(registry, timeout));
        bulkheads.onInstanceCreated(bulkhead -> bind(registry, bulkhead));
        if (chaos != null) {
            chaos.onInstanceCreated(instance -> bind(registry, instance));
        }
    }

    private static void bind(MeterRegistry registry, Chaos chaos) {
        String name = chaos.name();
        counter(registry, "resilience.chaos.injected", name, "fault", chaos, Chaos::injectedFaults,
                "Calls failed on purpose by fault injection");
        counter(registry, "resilience.chaos.injected", name, "latency", chaos, Chaos::injectedLatencies,
                "Calls delayed on purpose by fault injection");
    }

    private static void bind(MeterRegistry registry, CircuitBreaker breaker) {
        String name = breaker.name();
        counter(registry, "resilience.circuitbreaker.calls", name, "successful", breaker,
                CircuitBreaker::successfulCalls, "Calls recorded as successful");
        counter(registry, "resilience.circuitbreaker.calls", name, "failed", breaker, CircuitBreaker::failedCalls,
                "Calls recorded as failed");
        counter(registry, "resilience.circuitbreaker.calls", name, "ignored", breaker, CircuitBreaker::ignoredCalls,
                "Failures not counted by the breaker");
        counter(registry, "resilience.circuitbreaker.calls", name, "not_permitted", breaker,
                CircuitBreaker::notPermittedCalls, "Calls rejected by the breaker");
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder("resilience.circuitbreaker.state", breaker, b -> b.state() == state ? 1 : 0)
                    .tag("name", name).tag("state", state.name())
                    .description("1 for the breaker's current state, 0 otherwise").register(registry);
        }
        Gauge.builder("resilience.circuitbreaker.failure.rate", breaker, b -> rate(b.snapshot().failureRate()))
                .tag("name", name).description("Failure rate in percent; NaN below the minimum number of calls")
                .baseUnit("percent").register(registry);
        Gauge.builder("resilience.circuitbreaker.slow.call.rate", breaker, b -> rate(b.snapshot().slowCallRate()))
                .tag("name", name).description("Slow-call rate in percent; NaN below the minimum number of calls")
                .baseUnit("percent").register(registry);
    }

    /**
     * A rate for a gauge: the breaker's -1 for "not computed yet" (below the minimum number of calls) is NaN, so
     * that no monitoring system averages it in or alerts on it as a value. The endpoints keep -1.
     */
    static double rate(float rate) {
        return rate < 0 ? Double.NaN : rate;
    }

    private static void bind(MeterRegistry registry, Retry retry) {
        String name = retry.name();
        counter(registry, "resilience.retry.calls", name, "successful_without_retry", retry,
                Retry::successfulWithoutRetry, "Calls that succeeded on the first attempt");
        counter(registry, "resilience.retry.calls", name, "successful_with_retry", retry, Retry::successfulWithRetry,
                "Calls that succeeded after retrying");
        counter(registry, "resilience.retry.calls", name, "failed_with_retry", retry, Retry::failedWithRetry,
                "Calls that failed after retrying");
        counter(registry, "resilience.retry.calls", name, "failed_without_retry", retry, Retry::failedWithoutRetry,
                "Calls that failed without being retried");
    }

    private static void bind(MeterRegistry registry, RetryBudget budget) {
        FunctionCounter.builder("resilience.retry.budget.rejected", budget, RetryBudget::rejectedRetries)
                .tag("budget", budget.name()).description("Retries refused because the retry budget was spent")
                .register(registry);
    }

    private static void bind(MeterRegistry registry, RateLimiter limiter) {
        String name = limiter.name();
        counter(registry, "resilience.ratelimiter.calls", name, "permitted", limiter, RateLimiter::permittedCalls,
                "Calls that got a permit, at once or after waiting");
        counter(registry, "resilience.ratelimiter.calls", name, "rejected", limiter, RateLimiter::rejectedCalls,
                "Calls rejected for want of a permit within the max wait");
        Gauge.builder("resilience.ratelimiter.available.permits", limiter, RateLimiter::availablePermits)
                .tag("name", name).description("Permits free now in the limiter's shared bucket").register(registry);
        Gauge.builder("resilience.ratelimiter.waiting.calls", limiter, RateLimiter::waitingCalls).tag("name", name)
                .description("Calls waiting for a permit (with max-wait-duration)").register(registry);
    }

    private static void bind(MeterRegistry registry, Timeout timeout) {
        String name = timeout.name();
        counter(registry, "resilience.timeout.calls", name, "successful", timeout, Timeout::successfulCalls,
                "Calls that returned in time");
        counter(registry, "resilience.timeout.calls", name, "failed", timeout, Timeout::failedCalls,
                "Calls that failed in time");
        counter(registry, "resilience.timeout.calls", name, "timeout", timeout, Timeout::timedOutCalls,
                "Calls that passed their deadline");
    }

    private static void bind(MeterRegistry registry, Bulkhead bulkhead) {
        String name = bulkhead.name();
        Gauge.builder("resilience.bulkhead.active.calls", bulkhead, Bulkhead::activeCalls).tag("name", name)
                .description("Calls inside the bulkhead").register(registry);
        Gauge.builder("resilience.bulkhead.available.permits", bulkhead, Bulkhead::availablePermits)
                .tag("name", name).description("Permits free").register(registry);
        Gauge.builder("resilience.bulkhead.waiting.calls", bulkhead, Bulkhead::waitingCalls).tag("name", name)
                .description("Calls queued for a place (with max-wait-duration)").register(registry);
        FunctionCounter.builder("resilience.bulkhead.rejected.calls", bulkhead, b -> b.rejectedCalls())
                .tag("name", name).description("Calls rejected because the bulkhead was full").register(registry);
        Gauge.builder("resilience.bulkhead.limit", bulkhead, Bulkhead::limit).tag("name", name)
                .description("Calls the bulkhead admits at once now: max-concurrent-calls, or the adaptive limit")
                .register(registry);
    }

    private static <T> void counter(MeterRegistry registry, String meter, String name, String kind, T instance,
            ToDoubleFunction<T> count, String description) {
        FunctionCounter.builder(meter, instance, count).tag("name", name).tag("kind", kind).description(description)
                .register(registry);
    }
}

package dev.resilience.benchmarks;

import java.time.Duration;

import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.core.retry.RetryConfig;

/**
 * The same settings for each library, in one place. Defaults everywhere except where the libraries differ
 * in a way the scenario would notice:
 * <ul>
 * <li>circuit breaker: defaults, but a one-hour wait in OPEN so an opened breaker stays open for the whole run;
 * <li>retry: 3 attempts, 500 ms apart (never reached: the first attempt succeeds);
 * <li>bulkhead: semaphore, 25 concurrent calls, no waiting;
 * <li>timeout: 1 second (never reached);
 * <li>rate limiter: 1,000,000,000 permits per second (our largest {@code limitForPeriod}; the default
 * period), no waiting: several times what two threads can ask for, so a measured call is always permitted. Smooth or fixed-window where the library has both (Resilience4j's default
 * {@code AtomicRateLimiter} is fixed-window only: a fresh allowance every refresh period).
 * </ul>
 * Stack traces on rejection are left at each library's default (ours and Failsafe's differ from
 * Resilience4j's); {@link CircuitBreakerOpen} also measures Resilience4j without them.
 */
final class Peers {

    static final Duration OPEN_WAIT = Duration.ofHours(1);
    static final Duration RETRY_WAIT = Duration.ofMillis(500);
    static final int MAX_ATTEMPTS = 3;
    static final int BULKHEAD_CALLS = 25;
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final int RATE_LIMIT = RateLimiterConfig.MAX_LIMIT_FOR_PERIOD;
    static final Duration RATE_PERIOD = Duration.ofSeconds(1);

    private Peers() {
    }

    // ---- ours ---------------------------------------------------------------------------------------------

    static dev.resilience.core.circuitbreaker.CircuitBreaker oursBreaker() {
        return dev.resilience.core.circuitbreaker.CircuitBreaker.of("bench",
                CircuitBreakerConfig.builder().waitDurationInOpenState(OPEN_WAIT).build());
    }

    static dev.resilience.core.retry.Retry oursRetry() {
        return dev.resilience.core.retry.Retry.of("bench",
                RetryConfig.builder().maxAttempts(MAX_ATTEMPTS).waitDuration(RETRY_WAIT).build());
    }

    static dev.resilience.core.bulkhead.Bulkhead oursBulkhead() {
        return dev.resilience.core.bulkhead.Bulkhead.of("bench",
                BulkheadConfig.builder().maxConcurrentCalls(BULKHEAD_CALLS).maxWaitDuration(Duration.ZERO).build());
    }

    static dev.resilience.core.timeout.Timeout oursTimeout() {
        return dev.resilience.core.timeout.Timeout.of("bench", TIMEOUT);
    }

    static dev.resilience.core.ratelimiter.RateLimiter oursRateLimiter(RateLimiterType type) {
        return oursRateLimiter(type, RATE_LIMIT, RATE_PERIOD);
    }

    static dev.resilience.core.ratelimiter.RateLimiter oursRateLimiter(RateLimiterType type, int limit,
            Duration period) {
        return dev.resilience.core.ratelimiter.RateLimiter.of("bench", RateLimiterConfig.builder()
                .limitForPeriod(limit).limitRefreshPeriod(period).type(type).maxWaitDuration(Duration.ZERO).build());
    }

    // ---- Resilience4j -------------------------------------------------------------------------------------

    static io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker() {
        return r4jBreaker(true);
    }

    static io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker(boolean writableStackTrace) {
        return io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench",
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .waitDurationInOpenState(OPEN_WAIT)
                        .writableStackTraceEnabled(writableStackTrace)
                        .build());
    }

    static io.github.resilience4j.retry.Retry r4jRetry() {
        return io.github.resilience4j.retry.Retry.of("bench",
                io.github.resilience4j.retry.RetryConfig.custom().maxAttempts(MAX_ATTEMPTS).waitDuration(RETRY_WAIT)
                        .build());
    }

    static io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead() {
        return io.github.resilience4j.bulkhead.Bulkhead.of("bench",
                io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(BULKHEAD_CALLS)
                        .maxWaitDuration(Duration.ZERO).build());
    }

    static io.github.resilience4j.timelimiter.TimeLimiter r4jTimeLimiter() {
        return io.github.resilience4j.timelimiter.TimeLimiter.of("bench",
                io.github.resilience4j.timelimiter.TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).build());
    }

    /** The default implementation, {@code AtomicRateLimiter}: a fresh allowance every refresh period. */
    static io.github.resilience4j.ratelimiter.RateLimiter r4jRateLimiter() {
        return r4jRateLimiter(RATE_LIMIT, RATE_PERIOD);
    }

    static io.github.resilience4j.ratelimiter.RateLimiter r4jRateLimiter(int limit, Duration period) {
        return io.github.resilience4j.ratelimiter.RateLimiter.of("bench",
                io.github.resilience4j.ratelimiter.RateLimiterConfig.custom().limitForPeriod(limit)
                        .limitRefreshPeriod(period).timeoutDuration(Duration.ZERO).build());
    }

    // ---- Failsafe -----------------------------------------------------------------------------------------

    static dev.failsafe.CircuitBreaker<String> failsafeBreaker() {
        return dev.failsafe.CircuitBreaker.<String>builder().withDelay(OPEN_WAIT).build();
    }

    static dev.failsafe.RetryPolicy<String> failsafeRetry() {
        return dev.failsafe.RetryPolicy.<String>builder().withMaxAttempts(MAX_ATTEMPTS).withDelay(RETRY_WAIT).build();
    }

    static dev.failsafe.Bulkhead<String> failsafeBulkhead() {
        return dev.failsafe.Bulkhead.<String>builder(BULKHEAD_CALLS).withMaxWaitTime(Duration.ZERO).build();
    }

    /** For asynchronous calls: nothing to interrupt, the stage is completed at the deadline. */
    static dev.failsafe.Timeout<String> failsafeAsyncTimeout() {
        return dev.failsafe.Timeout.<String>builder(TIMEOUT).build();
    }

    /** Interrupting, as ours does: the closest equivalent of a synchronous timeout that stops the call. */
    static dev.failsafe.Timeout<String> failsafeTimeout() {
        return dev.failsafe.Timeout.<String>builder(TIMEOUT).withInterrupt().build();
    }

    /** Permits spread evenly over the period (one every period / limit). */
    static dev.failsafe.RateLimiter<String> failsafeSmoothRateLimiter() {
        return failsafeSmoothRateLimiter(RATE_LIMIT, RATE_PERIOD);
    }

    static dev.failsafe.RateLimiter<String> failsafeSmoothRateLimiter(int limit, Duration period) {
        return dev.failsafe.RateLimiter.<String>smoothBuilder(limit, period).withMaxWaitTime(Duration.ZERO).build();
    }

    /** {@code limit} permits per fixed period. */
    static dev.failsafe.RateLimiter<String> failsafeBurstyRateLimiter() {
        return failsafeBurstyRateLimiter(RATE_LIMIT, RATE_PERIOD);
    }

    static dev.failsafe.RateLimiter<String> failsafeBurstyRateLimiter(int limit, Duration period) {
        return dev.failsafe.RateLimiter.<String>burstyBuilder(limit, period).withMaxWaitTime(Duration.ZERO).build();
    }
}

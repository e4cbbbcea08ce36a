package dev.resilience.benchmarks;

import java.time.Duration;

import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.retry.RetryConfig;

/**
 * The same settings for each library, in one place. Defaults everywhere except where the libraries differ
 * in a way the scenario would notice:
 * <ul>
 * <li>circuit breaker: defaults, but a one-hour wait in OPEN so an opened breaker stays open for the whole run;
 * <li>retry: 3 attempts, 500 ms apart (never reached: the first attempt succeeds);
 * <li>bulkhead: semaphore, 25 concurrent calls, no waiting;
 * <li>timeout: 1 second (never reached).
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
}

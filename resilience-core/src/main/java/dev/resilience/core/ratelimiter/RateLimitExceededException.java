package dev.resilience.core.ratelimiter;

import java.time.Duration;
import java.util.Optional;

import dev.resilience.core.ResilienceException;
import dev.resilience.core.RetryAfterHint;

/**
 * A rate limiter had no permit for the call within its max wait. {@link #retryAfter()} says when one frees;
 * a retry that names this exception in {@code retry-exceptions} waits that long. No stack trace: rejection
 * stays cheap.
 */
public class RateLimitExceededException extends ResilienceException implements RetryAfterHint {

    private static final long serialVersionUID = 1L;

    private final String rateLimiterName;
    private final transient Duration retryAfter;

    public RateLimitExceededException(String rateLimiterName, Duration retryAfter) {
        super("rate limiter '" + rateLimiterName + "' has no permit: the next frees in " + retryAfter.toMillis()
                + "ms", null, false);
        this.rateLimiterName = rateLimiterName;
        this.retryAfter = retryAfter;
    }

    public String rateLimiterName() {
        return rateLimiterName;
    }

    /** The time until a permit is free. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.of(retryAfter);
    }
}

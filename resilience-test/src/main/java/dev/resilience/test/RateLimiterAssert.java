package dev.resilience.test;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.ratelimiter.RateLimiter;

/** Assertions on a {@link RateLimiter}'s shared bucket and counters. */
public class RateLimiterAssert extends AbstractAssert<RateLimiterAssert, RateLimiter> {

    public RateLimiterAssert(RateLimiter actual) {
        super(actual, RateLimiterAssert.class);
    }

    /** Permits free now in the shared bucket (they refill as the limiter's clock moves). */
    public RateLimiterAssert hasAvailablePermits(long expected) {
        return check("free permit", expected, actual == null ? 0 : actual.availablePermits());
    }

    /** Permits handed out since it was built (or reset to its initial state by the test kit). */
    public RateLimiterAssert hasPermittedCalls(long expected) {
        return check("permitted call", expected, actual == null ? 0 : actual.permittedCalls());
    }

    /** Calls rejected since it was built (or reset to its initial state by the test kit). */
    public RateLimiterAssert hasRejectedCalls(long expected) {
        return check("rejected call", expected, actual == null ? 0 : actual.rejectedCalls());
    }

    /** Calls waiting for a reserved permit now. */
    public RateLimiterAssert hasWaitingCalls(int expected) {
        return check("waiting call", expected, actual == null ? 0 : actual.waitingCalls());
    }

    private RateLimiterAssert check(String what, long expected, long found) {
        isNotNull();
        if (found != expected) {
            failWithMessage("%s", "expected rate limiter '" + actual.name() + "' to have " + Texts.count(expected, what)
                    + " but had " + found + " (" + details(actual) + ")");
        }
        return this;
    }

    static String details(RateLimiter limiter) {
        return limiter.availablePermits() + " of " + limiter.config().limitForPeriod() + " permits free per "
                + limiter.config().limitRefreshPeriod().toMillis() + "ms, " + limiter.permittedCalls() + " permitted, "
                + limiter.rejectedCalls() + " rejected, " + limiter.waitingCalls() + " waiting";
    }
}

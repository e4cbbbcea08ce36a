package dev.resilience.test;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.retry.Retry;

/**
 * Assertions on a {@link Retry}'s counters: one count per execution (all its attempts), by how it ended. To
 * count the attempts themselves, record the events: each retry is one
 * {@link dev.resilience.core.event.EventType#RETRY_SCHEDULED RETRY_SCHEDULED}.
 */
public class RetryAssert extends AbstractAssert<RetryAssert, Retry> {

    public RetryAssert(Retry actual) {
        super(actual, RetryAssert.class);
    }

    /** Executions that succeeded at their first attempt. */
    public RetryAssert hasSuccessfulCallsWithoutRetry(long expected) {
        return check("succeeded at the first attempt", expected, actual == null ? 0 : actual.successfulWithoutRetry());
    }

    /** Executions that succeeded after at least one retry. */
    public RetryAssert hasSuccessfulCallsWithRetry(long expected) {
        return check("succeeded after retrying", expected, actual == null ? 0 : actual.successfulWithRetry());
    }

    /** Executions that failed after at least one retry. */
    public RetryAssert hasFailedCallsWithRetry(long expected) {
        return check("failed after retrying", expected, actual == null ? 0 : actual.failedWithRetry());
    }

    /** Executions that failed without being retried (a failure it does not retry, or a single attempt). */
    public RetryAssert hasFailedCallsWithoutRetry(long expected) {
        return check("failed without a retry", expected, actual == null ? 0 : actual.failedWithoutRetry());
    }

    private RetryAssert check(String what, long expected, long found) {
        isNotNull();
        if (found != expected) {
            failWithMessage("%s", "expected retry '" + actual.name() + "' to have " + Texts.count(expected, "call")
                    + " that " + what + " but had " + found + " (" + details(actual) + ")");
        }
        return this;
    }

    static String details(Retry retry) {
        return retry.successfulWithoutRetry() + " succeeded at once, " + retry.successfulWithRetry()
                + " after retrying, " + retry.failedWithRetry() + " failed after retrying, "
                + retry.failedWithoutRetry() + " failed without a retry; max attempts " + retry.config().maxAttempts();
    }
}

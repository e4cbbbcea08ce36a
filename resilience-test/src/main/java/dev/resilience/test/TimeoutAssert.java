package dev.resilience.test;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.timeout.Timeout;

/** Assertions on a {@link Timeout}'s counters. */
public class TimeoutAssert extends AbstractAssert<TimeoutAssert, Timeout> {

    public TimeoutAssert(Timeout actual) {
        super(actual, TimeoutAssert.class);
    }

    /** Calls that returned in time. */
    public TimeoutAssert hasSuccessfulCalls(long expected) {
        return check("returned in time", expected, actual == null ? 0 : actual.successfulCalls());
    }

    /** Calls that threw in time. */
    public TimeoutAssert hasFailedCalls(long expected) {
        return check("threw in time", expected, actual == null ? 0 : actual.failedCalls());
    }

    /** Calls that passed their deadline. */
    public TimeoutAssert hasTimedOutCalls(long expected) {
        return check("timed out", expected, actual == null ? 0 : actual.timedOutCalls());
    }

    private TimeoutAssert check(String what, long expected, long found) {
        isNotNull();
        if (found != expected) {
            failWithMessage("%s", "expected timeout '" + actual.name() + "' to have "
                    + Texts.count(expected, "call") + " that " + what + " but had " + found + " (limit "
                    + actual.config().duration().toMillis() + "ms; "
                    + actual.successfulCalls() + " in time, " + actual.failedCalls() + " failed in time, "
                    + actual.timedOutCalls() + " timed out)");
        }
        return this;
    }
}

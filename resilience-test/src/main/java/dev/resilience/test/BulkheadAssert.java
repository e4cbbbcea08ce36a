package dev.resilience.test;

import java.util.List;
import java.util.stream.Collectors;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.InFlightCall;

/**
 * Assertions on a {@link Bulkhead}; a failure says who is inside, e.g. {@code expected bulkhead 'inventory' to
 * have 2 active calls but had 1 (1 of 5 places taken: InventoryClient.fetch on main for 0ms; 0 waiting, 0
 * rejected)}.
 */
public class BulkheadAssert extends AbstractAssert<BulkheadAssert, Bulkhead> {

    public BulkheadAssert(Bulkhead actual) {
        super(actual, BulkheadAssert.class);
    }

    /** Calls inside now (places being handed to a waiting caller included). */
    public BulkheadAssert hasActiveCalls(int expected) {
        isNotNull();
        int found = actual.activeCalls();
        if (found != expected) {
            fail("to have " + Texts.count(expected, "active call") + " but had " + found);
        }
        return this;
    }

    /** Places free now. */
    public BulkheadAssert hasAvailablePermits(int expected) {
        isNotNull();
        int found = actual.availablePermits();
        if (found != expected) {
            fail("to have " + Texts.count(expected, "free place") + " but had " + found);
        }
        return this;
    }

    /** Calls queued for a place now. */
    public BulkheadAssert hasWaitingCalls(int expected) {
        isNotNull();
        int found = actual.waitingCalls();
        if (found != expected) {
            fail("to have " + Texts.count(expected, "waiting call") + " but had " + found);
        }
        return this;
    }

    /** Nobody inside and nobody waiting. */
    public BulkheadAssert hasNoCallsInside() {
        isNotNull();
        if (actual.activeCalls() != 0 || actual.waitingCalls() != 0) {
            fail("to have no calls inside but it had some");
        }
        return this;
    }

    /** Calls rejected since it was built (or reset to its initial state by the test kit). */
    public BulkheadAssert hasRejectedCalls(long expected) {
        isNotNull();
        long found = actual.rejectedCalls();
        if (found != expected) {
            fail("to have rejected " + Texts.count(expected, "call") + " but rejected " + found);
        }
        return this;
    }

    private void fail(String what) {
        failWithMessage("%s", "expected bulkhead '" + actual.name() + "' " + what + " (" + details(actual) + ")");
    }

    static String details(Bulkhead bulkhead) {
        List<InFlightCall> calls = bulkhead.inFlightCalls();
        String inside = calls.isEmpty() ? "" : ": " + calls.stream()
                .map(call -> call.call() + " on " + call.thread() + " for " + call.duration().toMillis() + "ms")
                .collect(Collectors.joining(", "));
        return bulkhead.activeCalls() + " of " + bulkhead.config().maxConcurrentCalls() + " places taken" + inside
                + "; " + bulkhead.waitingCalls() + " waiting, " + bulkhead.rejectedCalls() + " rejected";
    }
}

package dev.resilience.test;

import java.time.Duration;
import java.util.Locale;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreaker.State;
import dev.resilience.core.circuitbreaker.CircuitBreakerSnapshot;

/**
 * Assertions on a {@link CircuitBreaker}, read from one {@link CircuitBreaker#snapshot() snapshot} per
 * assertion; a failure says what the breaker shows, e.g. {@code expected circuit breaker 'serviceB' to be OPEN
 * but was HALF_OPEN (failure rate 40.0%, slow call rate 0.0%, 5 calls buffered, 2 failed, 0 slow, 0 not
 * permitted)}. Reading a breaker never changes it: an OPEN breaker whose wait has passed shows OPEN until a
 * call or its timer on the clock moves it.
 */
public class CircuitBreakerAssert extends AbstractAssert<CircuitBreakerAssert, CircuitBreaker> {

    /** Rates are compared to a twentieth of a percent: {@code hasFailureRate(33.3)} passes for 1 of 3. */
    static final double RATE_TOLERANCE = 0.05;

    public CircuitBreakerAssert(CircuitBreaker actual) {
        super(actual, CircuitBreakerAssert.class);
    }

    public CircuitBreakerAssert isClosed() {
        return hasState(State.CLOSED);
    }

    public CircuitBreakerAssert isOpen() {
        return hasState(State.OPEN);
    }

    public CircuitBreakerAssert isHalfOpen() {
        return hasState(State.HALF_OPEN);
    }

    public CircuitBreakerAssert isForcedOpen() {
        return hasState(State.FORCED_OPEN);
    }

    public CircuitBreakerAssert isDisabled() {
        return hasState(State.DISABLED);
    }

    public CircuitBreakerAssert hasState(State expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.state() != expected) {
            fail("to be " + expected + " but was " + now.state() + " (" + details(now) + ")");
        }
        return this;
    }

    /**
     * Failed calls are {@code percent} of the calls in the window (to a twentieth of a percent). Fails while the
     * rate is not computed yet (fewer than {@code minimumNumberOfCalls} calls buffered; in HALF_OPEN, until
     * every trial call has finished).
     */
    public CircuitBreakerAssert hasFailureRate(double percent) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        checkRate("failure rate", now.failureRate(), percent, now);
        return this;
    }

    /** Slow calls are {@code percent} of the calls in the window; as {@link #hasFailureRate(double)}. */
    public CircuitBreakerAssert hasSlowCallRate(double percent) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        checkRate("slow call rate", now.slowCallRate(), percent, now);
        return this;
    }

    /** Neither rate is computed yet: too few calls in the window for the breaker to judge. */
    public CircuitBreakerAssert hasNoRatesYet() {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.failureRate() >= 0 || now.slowCallRate() >= 0) {
            fail("to have no rates yet but it has (" + details(now) + ")");
        }
        return this;
    }

    private void checkRate(String rate, float found, double expected, CircuitBreakerSnapshot now) {
        if (found < 0) {
            fail("to have a " + rate + " of " + percent(expected) + " but it has none yet ("
                    + details(now) + ", at least " + actual.config().minimumNumberOfCalls() + " needed)");
        } else if (Math.abs(found - expected) > RATE_TOLERANCE) {
            fail("to have a " + rate + " of " + percent(expected) + " but was " + percent(found) + " ("
                    + details(now) + ")");
        }
    }

    /** Calls in the sliding window (in HALF_OPEN: trial calls finished). */
    public CircuitBreakerAssert hasBufferedCalls(int expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.bufferedCalls() != expected) {
            fail("to have " + Texts.count(expected, "call") + " buffered but had " + now.bufferedCalls() + " ("
                    + details(now) + ")");
        }
        return this;
    }

    /** Failed calls in the sliding window (in HALF_OPEN: among the trial calls). */
    public CircuitBreakerAssert hasFailedCalls(int expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.failedCalls() != expected) {
            fail("to have " + Texts.count(expected, "failed call") + " buffered but had " + now.failedCalls() + " ("
                    + details(now) + ")");
        }
        return this;
    }

    /** Slow calls in the sliding window (in HALF_OPEN: among the trial calls). */
    public CircuitBreakerAssert hasSlowCalls(int expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.slowCalls() != expected) {
            fail("to have " + Texts.count(expected, "slow call") + " buffered but had " + now.slowCalls() + " ("
                    + details(now) + ")");
        }
        return this;
    }

    /** Calls rejected since the breaker was built (or reset to its initial state by the test kit). */
    public CircuitBreakerAssert hasNotPermittedCalls(long expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (now.notPermittedCalls() != expected) {
            fail("to have rejected " + Texts.count(expected, "call") + " but rejected " + now.notPermittedCalls() + " ("
                    + details(now) + ")");
        }
        return this;
    }

    /** An OPEN breaker lets trial calls through after exactly {@code expected} more (on its clock). */
    public CircuitBreakerAssert hasRemainingOpenTime(Duration expected) {
        isNotNull();
        CircuitBreakerSnapshot now = actual.snapshot();
        if (!now.remainingOpenTime().equals(expected)) {
            fail("to stay open for another " + expected + " but the remaining open time was "
                    + now.remainingOpenTime() + " (" + now.state() + ", " + details(now) + ")");
        }
        return this;
    }

    private void fail(String what) {
        failWithMessage("%s", "expected circuit breaker '" + actual.name() + "' " + what);
    }

    /** {@code failure rate 40.0%, slow call rate 0.0%, 5 calls buffered, 2 failed, 0 slow, 0 not permitted}. */
    static String details(CircuitBreakerSnapshot now) {
        String rates = now.failureRate() < 0 && now.slowCallRate() < 0 ? "rates not computed yet"
                : "failure rate " + percent(now.failureRate()) + ", slow call rate " + percent(now.slowCallRate());
        String open = now.remainingOpenTime().isZero() ? ""
                : ", open for another " + now.remainingOpenTime().toMillis() + "ms";
        return rates + ", " + Texts.count(now.bufferedCalls(), "call") + " buffered, " + now.failedCalls() + " failed, "
                + now.slowCalls() + " slow, " + now.notPermittedCalls() + " not permitted" + open;
    }

    static String percent(double value) {
        return value < 0 ? "none" : String.format(Locale.ROOT, "%.1f%%", value);
    }
}

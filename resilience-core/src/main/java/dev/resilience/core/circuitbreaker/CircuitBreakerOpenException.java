package dev.resilience.core.circuitbreaker;

import java.time.Duration;

import dev.resilience.core.ResilienceException;

/**
 * A call was not permitted: the breaker is OPEN or FORCED_OPEN, or HALF_OPEN with every trial call taken.
 * Carries no stack trace unless the breaker's config asks for one: the rejection path must stay cheap.
 */
public class CircuitBreakerOpenException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String circuitBreakerName;
    private final CircuitBreaker.State state;
    private final long remainingOpenNanos;
    /** Built on first read: most rejections are counted and dropped, never printed. */
    private String message;

    public CircuitBreakerOpenException(String circuitBreakerName, CircuitBreaker.State state,
            Duration remainingOpenTime, boolean writableStackTrace) {
        this(circuitBreakerName, state, remainingOpenTime.toNanos(), writableStackTrace);
    }

    CircuitBreakerOpenException(String circuitBreakerName, CircuitBreaker.State state, long remainingOpenNanos,
            boolean writableStackTrace) {
        super(null, null, writableStackTrace);
        this.circuitBreakerName = circuitBreakerName;
        this.state = state;
        this.remainingOpenNanos = Math.max(0, remainingOpenNanos);
    }

    @Override
    public String getMessage() {
        String text = message;
        if (text == null) {
            text = message(circuitBreakerName, state, remainingOpenNanos / 1_000_000);
            message = text;
        }
        return text;
    }

    private static String message(String name, CircuitBreaker.State state, long remainingMillis) {
        return switch (state) {
            case OPEN -> "circuit breaker '" + name + "' is OPEN and does not permit calls for another "
                    + remainingMillis + "ms";
            case FORCED_OPEN -> "circuit breaker '" + name
                    + "' is FORCED_OPEN and does not permit calls until its state is changed";
            case HALF_OPEN -> "circuit breaker '" + name
                    + "' is HALF_OPEN and all its trial calls are taken";
            default -> "circuit breaker '" + name + "' is " + state + " and does not permit calls";
        };
    }

    /** The breaker that rejected the call. */
    public String circuitBreakerName() {
        return circuitBreakerName;
    }

    /** Its state when it rejected the call. */
    public CircuitBreaker.State state() {
        return state;
    }

    /** How long the breaker stays OPEN; zero in other states. */
    public Duration remainingOpenTime() {
        return Duration.ofNanos(remainingOpenNanos);
    }
}

package dev.resilience.core.circuitbreaker;

/** How the closed circuit breaker remembers recent calls. */
public enum SlidingWindowType {
    /** The last {@code slidingWindowSize} calls. */
    COUNT_BASED,
    /** The calls of the last {@code slidingWindowSize} seconds. */
    TIME_BASED
}

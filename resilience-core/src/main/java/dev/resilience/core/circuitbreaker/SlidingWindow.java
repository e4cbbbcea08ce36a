package dev.resilience.core.circuitbreaker;

/** The closed breaker's memory of recent calls. Implementations are lock-free on {@link #recordFastSuccess()}. */
interface SlidingWindow {

    /**
     * Records a call that succeeded within the slow-call threshold: the hot path.
     *
     * @return {@code true} when the thresholds must be evaluated now (a success can only trip the breaker
     *         while fewer than the minimum number of calls have been seen)
     */
    boolean recordFastSuccess();

    /** Records a failed and/or slow call; the caller evaluates the thresholds afterwards. */
    void record(boolean failed, boolean slow);

    /** The counts now. */
    WindowMetrics metrics();

    /** The window's type, part of its shape. */
    SlidingWindowType type();

    /** Calls or seconds, the other part of its shape. */
    int size();
}

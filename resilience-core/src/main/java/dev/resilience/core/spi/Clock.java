package dev.resilience.core.spi;

import java.time.Duration;

/**
 * The one source of time for every policy: monotonic time for durations, wall time for what is shown to
 * people, sleeping for synchronous retry waits, and scheduling for timeouts and asynchronous retries.
 * Production code uses {@link #system()}; tests use resilience-test's {@code ManualClock} and advance time instead of
 * sleeping.
 */
public interface Clock {

    /** Monotonic time in nanoseconds, for measuring durations only. */
    long nanoTime();

    /**
     * Monotonic time in nanoseconds that may lag by a few milliseconds, for durations that tolerate it
     * (slow-call detection with thresholds of a second or more, how long a call has been in a bulkhead).
     * {@link #system()} reads a value a background thread refreshes every 10 ms: a volatile read instead of
     * a ~25 ns {@code System.nanoTime()} call on every protected call. Same time base as {@link #nanoTime()}.
     */
    default long coarseNanoTime() {
        return nanoTime();
    }

    /** Wall-clock time in milliseconds since the epoch, for timestamps shown to people. */
    long currentTimeMillis();

    /** Blocks the calling thread for {@code nanos}; interruptible. Never holds a monitor while waiting. */
    void sleep(long nanos) throws InterruptedException;

    /**
     * Runs {@code task} once after {@code delayNanos}. The task runs on a timer thread and must be short:
     * anything that may block or run user code is handed on to an executor by the caller.
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /**
     * {@code duration} in nanoseconds, or {@link Long#MAX_VALUE} when it is too long for that (about 292
     * years): such a duration is as good as endless, and converting it must not throw in the middle of a call.
     */
    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** The real clock, with one shared daemon timer thread. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}

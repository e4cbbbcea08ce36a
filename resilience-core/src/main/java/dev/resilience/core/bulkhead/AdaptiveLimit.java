package dev.resilience.core.bulkhead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An adaptive bulkhead's limit, found from measured latency: TCP Vegas's rule, applied to averages over windows
 * of samples rather than to single calls.
 *
 * <p>The downstream's queue is estimated as {@code limit × (1 − baseline / latency)}: with the latency at its long-run
 * minimum (the baseline) nothing queues, and every call beyond what the downstream serves at once adds its share of
 * latency. The limit grows by {@code log10(limit)} per window while the estimate is below {@code alpha × log10(limit)}
 * (and the bulkhead was busy: a rejection since the last window, or at least half the limit inside as the window
 * closes; an idle bulkhead learns nothing about the downstream's room), shrinks by at least as much, or by half the
 * excess, while it is above {@code beta × log10(limit)}, and is multiplied by {@code backoffRatio} when a window saw
 * the downstream overloaded (a timeout, a rejection). A window holds about one round of calls ({@code limit /
 * SAMPLE_EVERY} samples, at least {@link #MIN_WINDOW}), and only calls admitted since the limit last moved are samples:
 * the limit moves at most about once per round trip, each time on what the limit in force did, as Vegas's window does.
 *
 * <p>The baseline is the lowest window average (an average is steady where single latencies are noisy) seen in
 * this and the previous {@code baselineWindow}: a downstream that became slower for good becomes the new normal
 * after at most two windows.
 *
 * <p>Thread-safe without a lock: a sample adds to the current window's sums with atomic adds, and the one sample
 * that fills the window (the atomic count says which) computes the next limit and installs a new window. The
 * state below the window is therefore only ever touched by one thread at a time.
 */
final class AdaptiveLimit {

    /** One call in this many, per place, has its latency measured: two clock reads are dearer than the rest. */
    static final int SAMPLE_EVERY = 16;
    /** The fewest samples a window averages over. */
    static final int MIN_WINDOW = 4;

    private final int min;
    private final int max;
    private final double alpha;
    private final double beta;
    private final double backoffRatio;
    private final long baselineWindowNanos;
    /** Asked, as a window closes, whether the bulkhead was {@link AdaptiveFeedback#busy busy}. */
    private final AdaptiveFeedback feedback;

    /** Written by the thread closing a window only (windows close one after another). */
    private double limit;
    private double currentMin = Double.POSITIVE_INFINITY;
    private double previousMin = Double.POSITIVE_INFINITY;
    private long periodStart;
    private boolean periodStarted;
    private volatile Window window;
    /** When the limit last moved: calls admitted before then say nothing about the limit in force. */
    private volatile long movedAt;
    private volatile boolean moved;

    /** @param feedback the bulkhead's: says, as a window closes, whether the bulkhead was busy */
    AdaptiveLimit(BulkheadConfig config, int startLimit, AdaptiveFeedback feedback) {
        this.feedback = feedback;
        this.min = config.minConcurrentCalls();
        this.max = config.maxConcurrentCalls();
        this.alpha = config.alpha();
        this.beta = config.beta();
        this.backoffRatio = config.backoffRatio();
        this.baselineWindowNanos = dev.resilience.core.spi.Clock.saturatedNanos(config.baselineWindow());
        this.limit = Math.max(min, Math.min(max, startLimit));
        this.window = new Window(windowSize(limit));
    }

    /** The limit now, rounded down. */
    int limit() {
        return (int) limit;
    }

    private static int windowSize(double limit) {
        return Math.max(MIN_WINDOW, (int) (limit / SAMPLE_EVERY));
    }

    /**
     * A call that ended, its latency measured.
     *
     * @return the new limit when this sample closed a window and the limit moved, else {@code -1}
     */
    int sample(long latencyNanos, long nowNanos) {
        if (moved && nowNanos - latencyNanos - movedAt < 0) {
            return -1; // admitted under an earlier limit: its latency would answer for that limit
        }
        Window w = window;
        Window.SUM.getAndAdd(w, latencyNanos);
        return count(w, nowNanos);
    }

    /** A call that showed the downstream overloaded (timed out, rejected). */
    int overload(long nowNanos) {
        Window w = window;
        Window.DROPS.getAndAdd(w, 1);
        return count(w, nowNanos);
    }

    private int count(Window w, long nowNanos) {
        if ((int) Window.SAMPLES.getAndAdd(w, 1) + 1 != w.size) {
            return -1; // not full yet; or full already, and this sample came too late for it
        }
        int before = (int) limit;
        close(w, nowNanos);
        int after = (int) limit;
        if (after == before) {
            return -1;
        }
        movedAt = nowNanos;
        moved = true;
        return after;
    }

    private void close(Window w, long nowNanos) {
        int drops = (int) Window.DROPS.getVolatile(w);
        int measured = w.size - drops;
        long sum = (long) Window.SUM.getVolatile(w);
        double next = limit;
        if (drops > 0) {
            next = limit * backoffRatio;
        } else if (measured > 0) {
            double latency = (double) sum / measured;
            double baseline = baseline(latency, nowNanos);
            double queue = limit * (1 - baseline / latency);
            double step = Math.max(1, Math.log10(limit));
            if (queue < alpha * step) {
                if (feedback.busy((int) limit)) {
                    next = limit + step;
                }
            } else if (queue > beta * step) {
                next = limit - Math.max(step, (queue - beta * step) / 2);
            }
        }
        limit = Math.max(min, Math.min(max, next));
        window = new Window(windowSize(limit));
    }

    /** Takes the window's average latency into the long-run minimum, and returns that minimum. */
    private double baseline(double latency, long nowNanos) {
        if (!periodStarted) {
            periodStarted = true;
            periodStart = nowNanos;
        }
        if (nowNanos - periodStart >= baselineWindowNanos) {
            previousMin = currentMin;
            currentMin = latency;
            periodStart = nowNanos;
        } else if (latency < currentMin) {
            currentMin = latency;
        }
        return Math.min(previousMin, currentMin);
    }

    /** The sums of one window of samples. */
    static final class Window {
        static final VarHandle SAMPLES;
        static final VarHandle DROPS;
        static final VarHandle SUM;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                SAMPLES = lookup.findVarHandle(Window.class, "samples", int.class);
                DROPS = lookup.findVarHandle(Window.class, "drops", int.class);
                SUM = lookup.findVarHandle(Window.class, "sum", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int size;
        volatile int samples;
        volatile int drops;
        volatile long sum;

        Window(int size) {
            this.size = size;
        }
    }
}

package dev.resilience.core.hedge;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The latency of the last {@value #SIZE} attempts of a hedge, and a percentile of it.
 *
 * <p>Which calls are measured is decided before each call ({@link #sample()}): all of the first
 * {@link HedgeConfig#MIN_MEASURED_CALLS}, then one in {@value #SAMPLE_EVERY}, so most calls never read the clock
 * a second time. Recording is a plain increment of a cursor and a release store into a ring: no lock, no
 * atomic read-modify-write, nothing allocated. Under contention two threads may write the same entry (one
 * sample lost, the window stays a fair sample of recent calls). The percentile is computed off the calls'
 * path: by the recording that brings the count to {@link HedgeConfig#MIN_MEASURED_CALLS}, then by every
 * {@value #RECOMPUTE_EVERY}th one, into a log-linear histogram kept for it (32 buckets per power of two of
 * microseconds, so the result, the upper edge of its bucket, is never more than about 3% above the true
 * value). That scan takes a few microseconds once per {@value #RECOMPUTE_EVERY} recordings, a few nanoseconds
 * a call; one thread computes at a time and the result is one volatile field.
 */
final class LatencyWindow {

    static final int SIZE = 1024;
    /** After the first calls, one call in this many is measured. */
    static final int SAMPLE_EVERY = 8;
    private static final int RECOMPUTE_EVERY = 256;
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Units of 1024 ns (about a microsecond); latencies beyond 2^40 units (some 13 days) share the top bucket. */
    private static final int UNIT_SHIFT = 10;
    private static final long MAX_UNITS = (1L << 40) - 1;
    private static final int BUCKETS = (40 - SUB_BITS + 1) * SUB_COUNT;

    /** Each of the last attempts' latency plus one (0: empty). */
    private final AtomicLongArray ring = new AtomicLongArray(SIZE);
    /** Attempts recorded; a plain field, incremented without a lock (a lost increment loses one sample). */
    private long recorded;
    /** Calls that asked {@link #sample()}; a plain field too. */
    private long ticks;
    private final AtomicBoolean computing = new AtomicBoolean();
    /** The histogram a computation fills; used by one computing thread at a time. */
    private final int[] counts = new int[BUCKETS];
    private volatile double percentile;
    private volatile long percentileNanos;

    LatencyWindow(double percentile) {
        this.percentile = percentile;
    }

    /**
     * Whether the call starting now is measured: each of the first {@link HedgeConfig#MIN_MEASURED_CALLS}
     * calls, then one in {@value #SAMPLE_EVERY}. Decided before the call, so the sample is fair (a slow call is
     * as likely to be measured as a quick one); a plain counter, like {@link #recorded}.
     */
    boolean sample() {
        long tick = ticks;
        ticks = tick + 1;
        return tick < HedgeConfig.MIN_MEASURED_CALLS || (tick & (SAMPLE_EVERY - 1)) == 0;
    }

    /** Adds one attempt's latency. */
    void record(long nanos) {
        long position = recorded;
        recorded = position + 1;
        ring.lazySet((int) (position & (SIZE - 1)), Math.max(0, nanos) + 1);
        long count = position + 1;
        if (count == HedgeConfig.MIN_MEASURED_CALLS || (count & (RECOMPUTE_EVERY - 1)) == 0) {
            recompute();
        }
    }

    /** Attempts recorded since creation (or the last reset); may lag under contention. */
    long measured() {
        return recorded;
    }

    /**
     * The configured percentile of the window as last computed, in nanoseconds; 0 until
     * {@link HedgeConfig#MIN_MEASURED_CALLS} attempts are measured.
     */
    long percentileNanos() {
        return percentileNanos;
    }

    /** Uses {@code newPercentile} from now on and recomputes at once. */
    void percentile(double newPercentile) {
        this.percentile = newPercentile;
        if (recorded >= HedgeConfig.MIN_MEASURED_CALLS) {
            recompute();
        }
    }

    void recompute() {
        if (!computing.compareAndSet(false, true)) {
            return; // another thread is at it; the next turn of the window computes again
        }
        try {
            Arrays.fill(counts, 0);
            int total = 0;
            for (int i = 0; i < SIZE; i++) {
                long entry = ring.get(i);
                if (entry != 0) {
                    counts[bucket(entry - 1)]++;
                    total++;
                }
            }
            if (total == 0) {
                return;
            }
            long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
            long seen = 0;
            for (int i = 0; i < BUCKETS; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    percentileNanos = upperEdgeNanos(i);
                    return;
                }
            }
        } finally {
            computing.set(false);
        }
    }

    void reset() {
        for (int i = 0; i < SIZE; i++) {
            ring.set(i, 0);
        }
        recorded = 0;
        ticks = 0;
        percentileNanos = 0;
    }

    static int bucket(long nanos) {
        long units = Math.min(Math.max(0, nanos) >>> UNIT_SHIFT, MAX_UNITS);
        if (units < SUB_COUNT) {
            return (int) units;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(units);
        return (exponent - SUB_BITS + 1) * SUB_COUNT + (int) ((units >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1));
    }

    /** The smallest latency above every latency of bucket {@code index}. */
    static long upperEdgeNanos(int index) {
        if (index < SUB_COUNT) {
            return (long) (index + 1) << UNIT_SHIFT;
        }
        int exponent = index / SUB_COUNT + SUB_BITS - 1;
        long mantissa = SUB_COUNT + (index & (SUB_COUNT - 1));
        return ((mantissa + 1) << (exponent - SUB_BITS)) << UNIT_SHIFT;
    }
}

package dev.resilience.core.hedge;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency of the last {@value #SIZE} attempts of a hedge, as a histogram, and a percentile of it.
 *
 * <p>Recording is four atomic operations and no lock: the ring says which bucket each of the last attempts
 * fell in, so the bucket counts always describe exactly the attempts in the ring (each overwritten entry
 * takes its count back). Buckets are log-linear: 32 per power of two of microseconds, so a percentile is
 * never more than about 3% above the true value (it is read as the upper edge of its bucket). The
 * percentile is computed off the calls' path: by the recording that brings the count to
 * {@link HedgeConfig#MIN_MEASURED_CALLS}, then by every {@value #RECOMPUTE_EVERY}th one (a scan of the
 * counts, about a microsecond, amortised to a few nanoseconds per call), and read as one volatile field.
 */
final class LatencyWindow {

    static final int SIZE = 1024;
    private static final int RECOMPUTE_EVERY = 128;
    private static final int SUB_BITS = 5;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Units of 1024 ns (about a microsecond); latencies beyond 2^40 units (some 13 days) share the top bucket. */
    private static final int UNIT_SHIFT = 10;
    private static final long MAX_UNITS = (1L << 40) - 1;
    private static final int BUCKETS = (40 - SUB_BITS + 1) * SUB_COUNT;

    private final AtomicIntegerArray counts = new AtomicIntegerArray(BUCKETS);
    /** The bucket of each of the last attempts, plus one (0: empty). */
    private final AtomicIntegerArray ring = new AtomicIntegerArray(SIZE);
    private final AtomicLong recorded = new AtomicLong();
    private volatile double percentile;
    private volatile long percentileNanos;

    LatencyWindow(double percentile) {
        this.percentile = percentile;
    }

    /** Adds one attempt's latency. */
    void record(long nanos) {
        int bucket = bucket(nanos);
        long position = recorded.getAndIncrement();
        int evicted = ring.getAndSet((int) (position & (SIZE - 1)), bucket + 1);
        counts.incrementAndGet(bucket);
        if (evicted != 0) {
            counts.decrementAndGet(evicted - 1);
        }
        long count = position + 1;
        if (count == HedgeConfig.MIN_MEASURED_CALLS || (count & (RECOMPUTE_EVERY - 1)) == 0) {
            recompute();
        }
    }

    /** Attempts recorded since creation (or the last reset). */
    long measured() {
        return recorded.get();
    }

    /** The configured percentile of the window as last computed, in nanoseconds; 0 before any computation. */
    long percentileNanos() {
        return percentileNanos;
    }

    /** Uses {@code newPercentile} from now on and recomputes at once. */
    void percentile(double newPercentile) {
        this.percentile = newPercentile;
        recompute();
    }

    void recompute() {
        int[] snapshot = new int[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            int count = Math.max(0, counts.get(i)); // a racing decrement may show briefly below zero
            snapshot[i] = count;
            total += count;
        }
        if (total == 0) {
            return;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                percentileNanos = upperEdgeNanos(i);
                return;
            }
        }
        percentileNanos = upperEdgeNanos(BUCKETS - 1);
    }

    void reset() {
        for (int i = 0; i < SIZE; i++) {
            ring.set(i, 0);
        }
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        recorded.set(0);
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

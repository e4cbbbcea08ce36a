package dev.resilience.core.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.resilience.core.spi.Clock;

/**
 * The calls of the last {@code size} seconds, in one bucket per second. A bucket is replaced (by CAS) when
 * its second has passed, so recording takes no lock; reading sums the live buckets.
 */
final class TimeBasedWindow implements SlidingWindow {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int size;
    private final Clock clock;
    private final AtomicReferenceArray<Bucket> buckets;

    TimeBasedWindow(int size, Clock clock) {
        this.size = size;
        this.clock = clock;
        this.buckets = new AtomicReferenceArray<>(size);
    }

    @Override
    public boolean recordFastSuccess() {
        currentBucket().calls.incrementAndGet();
        // Old buckets expire with time, so the rate may have risen since the last call: always evaluate.
        return true;
    }

    @Override
    public void record(boolean failed, boolean slow) {
        Bucket bucket = currentBucket();
        // The call before its kind, and metrics() reads them the other way round: a reader that sees a
        // failure or a slow call also sees the call, so a rate never exceeds 100 % mid-update.
        bucket.calls.incrementAndGet();
        if (failed) {
            bucket.failed.incrementAndGet();
        }
        if (slow) {
            bucket.slow.incrementAndGet();
        }
    }

    @Override
    public WindowMetrics metrics() {
        long now = second();
        int calls = 0;
        int failed = 0;
        int slow = 0;
        for (int i = 0; i < size; i++) {
            Bucket bucket = buckets.get(i);
            if (bucket != null && bucket.second > now - size && bucket.second <= now) {
                failed += bucket.failed.get();
                slow += bucket.slow.get();
                calls += bucket.calls.get();
            }
        }
        return new WindowMetrics(calls, failed, slow);
    }

    @Override
    public SlidingWindowType type() {
        return SlidingWindowType.TIME_BASED;
    }

    @Override
    public int size() {
        return size;
    }

    private Bucket currentBucket() {
        long second = second();
        int index = (int) Math.floorMod(second, (long) size);
        while (true) {
            Bucket bucket = buckets.get(index);
            if (bucket != null && bucket.second >= second) {
                return bucket; // a thread that stalled across a second counts into the newer bucket
            }
            Bucket fresh = new Bucket(second);
            if (buckets.compareAndSet(index, bucket, fresh)) {
                return fresh;
            }
        }
    }

    private long second() {
        return Math.floorDiv(clock.coarseNanoTime(), NANOS_PER_SECOND);
    }

    private static final class Bucket {
        final long second;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger slow = new AtomicInteger();

        Bucket(long second) {
            this.second = second;
        }
    }
}

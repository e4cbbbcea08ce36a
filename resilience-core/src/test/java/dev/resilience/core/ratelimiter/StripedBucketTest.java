package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import dev.resilience.test.ManualClock;

/**
 * A limiter's own bucket with a large limit hands its permits out in per-thread batches: still exact to the
 * permit, never refusing while another thread's stripe holds a permit, and counting what it hands out.
 */
class StripedBucketTest {

    private final ManualClock clock = new ManualClock();

    private static RateLimiterConfig config(RateLimiterType type, int limit) {
        return RateLimiterConfig.builder().type(type).limitForPeriod(limit).limitRefreshPeriod(Duration.ofSeconds(1))
                .build();
    }

    private StripedBucket striped(RateLimiterType type, int limit) {
        PermitBucket bucket = PermitBuckets.local(clock).create("limiter", null, config(type, limit));
        assertThat(bucket).as("a large limit is handed out in batches").isInstanceOf(StripedBucket.class);
        return (StripedBucket) bucket;
    }

    private static int take(PermitBucket bucket, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.acquire(0) == 0) {
                taken++;
            }
        }
        return taken;
    }

    /** Takes one permit on another thread, whose stripe then holds the rest of its batch. */
    private static void takeOneOnAnotherThread(PermitBucket bucket) throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            assertThat(other.submit(() -> bucket.acquire(0)).get()).isZero();
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void smallLimitsKeysSmoothBucketsAndShortPeriodsKeepOneWord() {
        PermitBuckets local = PermitBuckets.local(clock);
        assertThat(local.create("limiter", null, RateLimiterConfig.ofDefaults())).isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", null, config(RateLimiterType.FIXED_WINDOW, 50)))
                .isInstanceOf(FixedWindowBucket.class);
        assertThat(local.create("limiter", null, config(RateLimiterType.SMOOTH, 1_000_000)))
                .as("a token bucket cannot take a batch's rest back exactly").isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", null, RateLimiterConfig.builder().type(RateLimiterType.FIXED_WINDOW)
                .limitForPeriod(1_000_000).limitRefreshPeriod(Duration.ofMillis(999)).build()))
                .as("a period under a second reads the precise time").isInstanceOf(FixedWindowBucket.class);
        assertThat(local.create("limiter", "tenant", config(RateLimiterType.SMOOTH, 1_000_000)))
                .isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", "tenant", config(RateLimiterType.FIXED_WINDOW, 1_000_000)))
                .isInstanceOf(FixedWindowBucket.class);
    }

    @Test
    void aLargeLimitIsHandedOutInBatchesOfUpToAThousandPermits() {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 1_000_000_000);
        assertThat(bucket.batch()).isEqualTo(1024);
        assertThat(bucket.stripes()).isGreaterThanOrEqualTo(4 * Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aThreadKeepsTakingFromItsStripeBatchAfterBatch() {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 1_000_000_000);

        assertThat(take(bucket, 10_000)).isEqualTo(10_000);
        assertThat(bucket.heldByStripes()).as("ten batches of 1,024 taken, the last one's rest held")
                .isEqualTo(10 * 1024 - 10_000);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
    }

    @Test
    void eightThreadsGetExactlyTheLimitAtOneInstant() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 100_000);
        assertThat(Contention.permitsTaken(8, 25_000, () -> bucket.acquire(0) == 0)).as("to the permit")
                .isEqualTo(100_000);
        assertThat(bucket.permitsHandedOut()).isEqualTo(100_000);
        assertThat(bucket.availablePermits()).isZero();
        assertThat(bucket.acquire(0)).isNegative();
    }

    @Test
    void aCallerTakesWhatAnotherThreadsStripeHoldsBeforeRefusing() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 10_000);
        takeOneOnAnotherThread(bucket);
        assertThat(bucket.availablePermits()).isEqualTo(9_999);

        assertThat(take(bucket, 20_000)).as("everything but the other thread's one permit").isEqualTo(9_999);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
        assertThat(bucket.availablePermits()).isZero();
    }

    @Test
    void whatAStripeHoldsGoesBackWhenTheClockMovesWithinAWindow() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 10_000);
        takeOneOnAnotherThread(bucket);

        clock.advance(StripedBucket.UNIT_NANOS); // a new time: the other stripe's batch is no longer good, its permits are
        assertThat(bucket.availablePermits()).isEqualTo(9_999);
        assertThat(take(bucket, 20_000)).isEqualTo(9_999);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
    }

    @Test
    void whatAStripeHoldsForAWindowThatHasPassedIsGoneWithIt() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 10_000);
        takeOneOnAnotherThread(bucket);

        clock.advance(Duration.ofSeconds(1));
        assertThat(bucket.availablePermits()).isEqualTo(10_000);
        assertThat(take(bucket, 20_000)).as("the new window's limit, nothing carried over").isEqualTo(10_000);
        assertThat(bucket.permitsHandedOut()).as("counts what was handed out, not what was held").isEqualTo(10_001);
    }

    @Test
    void aLimiterCountsEachPermitOnceAcrossBatchesAndNewBuckets() {
        RateLimiter limiter = RateLimiter.of("limiter", config(RateLimiterType.FIXED_WINDOW, 100_000), clock);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquirePermission()).isTrue();
        }
        assertThat(limiter.permittedCalls()).isEqualTo(10);
        assertThat(limiter.availablePermits()).isEqualTo(99_990);

        limiter.reconfigure(config(RateLimiterType.FIXED_WINDOW, 200_000)); // a new limit: new buckets
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.permittedCalls()).as("the replaced bucket's permits are kept").isEqualTo(11);

        limiter.resetToInitialState();
        assertThat(limiter.permittedCalls()).isZero();
        assertThat(limiter.availablePermits()).isEqualTo(200_000);
    }

    @Test
    void aCancelledReservationGoesBackThroughTheStripedBucket() {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 10_000);
        take(bucket, 10_000);
        long wait = bucket.acquire(Duration.ofSeconds(1).toNanos());
        assertThat(wait).isPositive();
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_001);

        bucket.refund();
        assertThat(bucket.permitsHandedOut()).as("a reservation counts when made, as the limiter counts it")
                .isEqualTo(10_001);
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).as("the same permit again").isEqualTo(wait);
    }

    @Test
    void theCountOfPermitsHandedOutNeverGoesDownWhileThreadsTakeThem() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.FIXED_WINDOW, 1_000_000);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong drops = new java.util.concurrent.atomic.AtomicLong();
        Thread reader = new Thread(() -> {
            long last = 0;
            while (!done.get()) {
                long now = bucket.permitsHandedOut();
                if (now < last) {
                    drops.incrementAndGet();
                }
                last = now;
            }
        });
        reader.start();
        int taken;
        try {
            taken = Contention.permitsTaken(4, 200_000, () -> {
                if (bucket.acquire(0) != 0) {
                    return false;
                }
                if (ThreadLocalRandom.current().nextInt(1_000) == 0) {
                    clock.advance(StripedBucket.UNIT_NANOS); // batches retire while others take (one window)
                }
                return true;
            });
        } finally {
            done.set(true);
            reader.join();
        }
        assertThat(drops.get()).isZero();
        assertThat(bucket.permitsHandedOut()).isEqualTo(taken);
    }
}

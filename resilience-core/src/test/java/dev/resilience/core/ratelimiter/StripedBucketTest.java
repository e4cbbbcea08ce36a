package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
        return Contention.permitsTaken(bucket, attempts);
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
    void smallLimitsKeysAndShortPeriodsKeepOneWord() {
        PermitBuckets local = PermitBuckets.local(clock);
        assertThat(local.create("limiter", null, RateLimiterConfig.ofDefaults())).isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", null, config(RateLimiterType.FIXED_WINDOW, 50)))
                .isInstanceOf(FixedWindowBucket.class);
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

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aThreadKeepsTakingFromItsStripeBatchAfterBatch(RateLimiterType type) {
        StripedBucket bucket = striped(type, 1_000_000_000);

        assertThat(take(bucket, 10_000)).isEqualTo(10_000);
        assertThat(bucket.heldByStripes()).as("ten batches of 1,024 taken, the last one's rest held")
                .isEqualTo(10 * 1024 - 10_000);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void eightThreadsGetExactlyTheLimitAtOneInstant(RateLimiterType type) throws Exception {
        StripedBucket bucket = striped(type, 100_000);
        assertThat(Contention.permitsTaken(8, 25_000, () -> bucket.acquire(0) == 0)).as("to the permit")
                .isEqualTo(100_000);
        assertThat(bucket.permitsHandedOut()).isEqualTo(100_000);
        assertThat(bucket.availablePermits()).isZero();
        assertThat(bucket.acquire(0)).isNegative();
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aCallerTakesWhatAnotherThreadsStripeHoldsBeforeRefusing(RateLimiterType type) throws Exception {
        StripedBucket bucket = striped(type, 10_000);
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

        clock.advance(StripedBucket.UNIT_NANOS); // a new time: the other stripe's batch is stale, its permits not
        assertThat(bucket.availablePermits()).isEqualTo(9_999);
        assertThat(take(bucket, 20_000)).isEqualTo(9_999);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
    }

    @Test
    void whatAStripeHoldsGoesBackToASmoothBucketWithoutFillingItBeyondTheLimit() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.SMOOTH, 10_000);
        takeOneOnAnotherThread(bucket); // a batch taken, one permit of it used, the rest held by that stripe

        clock.advance(StripedBucket.UNIT_NANOS); // ~1 ms: 10 permits refill, more than the one taken
        assertThat(bucket.availablePermits()).isEqualTo(10_000);
        assertThat(take(bucket, 20_000)).as("full again, and no more").isEqualTo(10_000);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_001);
    }

    @Test
    void aSmoothBucketRefillsAroundWhatStripesHold() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.SMOOTH, 10_000); // 100 µs a permit
        assertThat(take(bucket, 10_000)).isEqualTo(10_000);
        assertThat(bucket.acquire(0)).isNegative();

        clock.advance(10 * StripedBucket.UNIT_NANOS); // 104.8576 permits
        takeOneOnAnotherThread(bucket);
        assertThat(take(bucket, 1_000)).isEqualTo(103);
        clock.advance(5 * StripedBucket.UNIT_NANOS); // 52.4288 more, with the 0.8576 carried: 53
        assertThat(take(bucket, 1_000)).isEqualTo(53);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000 + 104 + 53);
    }

    @Test
    void threadsTakingWhileTheClockMovesNeverGetMoreThanTheBucketAllows() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.SMOOTH, 100_000); // 10 µs a permit
        java.util.concurrent.atomic.AtomicLong advanced = new java.util.concurrent.atomic.AtomicLong();
        int taken = Contention.permitsTaken(4, 100_000, () -> {
            if (ThreadLocalRandom.current().nextInt(500) == 0) {
                clock.advance(StripedBucket.UNIT_NANOS); // a new reading while the others take
                advanced.addAndGet(StripedBucket.UNIT_NANOS);
            }
            return bucket.acquire(0) == 0;
        });
        long refilled = advanced.get() / 10_000;
        assertThat((long) taken).as("at most the full bucket and its refill").isLessThanOrEqualTo(100_000 + refilled);
        assertThat((long) taken).as("permits lost to late hand-backs: at most a few batches")
                .isGreaterThanOrEqualTo(100_000 + refilled - 4L * bucket.batch());
        assertThat(bucket.permitsHandedOut()).isEqualTo(taken);
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

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aCancelledReservationGoesBackThroughTheStripedBucket(RateLimiterType type) {
        StripedBucket bucket = striped(type, 10_000);
        take(bucket, 10_000);
        long wait = bucket.acquire(Duration.ofSeconds(1).toNanos());
        assertThat(wait).isPositive();
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_001);

        bucket.refund();
        assertThat(bucket.permitsHandedOut()).as("a reservation counts when made, as the limiter counts it")
                .isEqualTo(10_001);
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).as("the same permit again").isEqualTo(wait);
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void theCountOfPermitsHandedOutNeverGoesDownWhileThreadsTakeThem(RateLimiterType type) throws Exception {
        StripedBucket bucket = striped(type, 1_000_000);
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

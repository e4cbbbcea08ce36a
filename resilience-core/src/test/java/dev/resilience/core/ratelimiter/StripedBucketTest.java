package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    void smallLimitsAndKeysKeepOneWord() {
        PermitBuckets local = PermitBuckets.local(clock);
        assertThat(local.create("limiter", null, RateLimiterConfig.ofDefaults())).isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", "tenant", config(RateLimiterType.SMOOTH, 1_000_000)))
                .isInstanceOf(SmoothBucket.class);
        assertThat(local.create("limiter", "tenant", config(RateLimiterType.FIXED_WINDOW, 1_000_000)))
                .isInstanceOf(FixedWindowBucket.class);
    }

    @Test
    void aLargeLimitIsHandedOutInBatchesOfUpToAThousandPermits() {
        StripedBucket bucket = striped(RateLimiterType.SMOOTH, 1_000_000_000);
        assertThat(bucket.batch()).isEqualTo(1024);
        assertThat(bucket.stripes()).isGreaterThanOrEqualTo(4 * Runtime.getRuntime().availableProcessors());
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

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void whatAStripeHoldsGoesBackWhenTheClockMovesWithinAPeriod(RateLimiterType type) throws Exception {
        StripedBucket bucket = striped(type, 10_000);
        takeOneOnAnotherThread(bucket);

        clock.advance(1); // a new instant: the other stripe's batch is no longer good, but its permits are
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
    void aSmoothBucketRefillsAroundWhatStripesHold() throws Exception {
        StripedBucket bucket = striped(RateLimiterType.SMOOTH, 10_000);
        take(bucket, 10_000);
        assertThat(bucket.acquire(0)).isNegative();

        clock.advance(Duration.ofMillis(10)); // 100 permits
        takeOneOnAnotherThread(bucket);
        assertThat(take(bucket, 1_000)).isEqualTo(99);
        clock.advance(Duration.ofMillis(5)); // 50 more
        assertThat(take(bucket, 1_000)).isEqualTo(50);
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_150);
    }

    @Test
    void aLimiterCountsEachPermitOnceAcrossBatchesAndNewBuckets() {
        RateLimiter limiter = RateLimiter.of("limiter", config(RateLimiterType.SMOOTH, 100_000), clock);
        for (int i = 0; i < 10; i++) {
            assertThat(limiter.tryAcquirePermission()).isTrue();
        }
        assertThat(limiter.permittedCalls()).isEqualTo(10);
        assertThat(limiter.availablePermits()).isEqualTo(99_990);

        limiter.reconfigure(config(RateLimiterType.FIXED_WINDOW, 200_000));
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
        assertThat(bucket.permitsHandedOut()).isEqualTo(10_000);
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).isEqualTo(wait);
    }
}

package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * Which time a local bucket goes by: the clock's coarse time for periods of a second or more (a volatile read
 * instead of a {@code System.nanoTime()} call per permit), the precise time for shorter ones; and window numbers
 * that wrap after 2^32 windows.
 */
class BucketTimeTest {

    /** A clock whose coarse and precise times are moved apart. */
    private static final class TwoTimes implements Clock {
        long precise;
        long coarse;

        @Override
        public long nanoTime() {
            return precise;
        }

        @Override
        public long coarseNanoTime() {
            return coarse;
        }

        @Override
        public long currentTimeMillis() {
            return 0;
        }

        @Override
        public void sleep(long nanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            throw new UnsupportedOperationException();
        }
    }

    private static LocalBucket bucket(RateLimiterType type, int limit, Duration period, Clock clock) {
        RateLimiterConfig config = RateLimiterConfig.builder().type(type).limitForPeriod(limit)
                .limitRefreshPeriod(period).build();
        return (LocalBucket) PermitBuckets.local(clock).create("limiter", "key", config);
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aPeriodOfASecondOrMoreGoesByTheCoarseTime(RateLimiterType type) {
        TwoTimes clock = new TwoTimes();
        LocalBucket bucket = bucket(type, 1, Duration.ofSeconds(1), clock);
        assertThat(bucket.acquire(0)).isZero();

        clock.precise += Duration.ofSeconds(5).toNanos();
        assertThat(bucket.acquire(0)).as("the precise time is not read").isNegative();
        clock.coarse += Duration.ofSeconds(1).toNanos();
        assertThat(bucket.acquire(0)).isZero();
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aShorterPeriodGoesByThePreciseTime(RateLimiterType type) {
        TwoTimes clock = new TwoTimes();
        LocalBucket bucket = bucket(type, 1, Duration.ofMillis(999), clock);
        assertThat(bucket.acquire(0)).isZero();

        clock.coarse += Duration.ofSeconds(5).toNanos();
        assertThat(bucket.acquire(0)).as("the coarse time is not read").isNegative();
        clock.precise += Duration.ofMillis(999).toNanos();
        assertThat(bucket.acquire(0)).isZero();
    }

    @Test
    void fixedWindowNumbersWrapWithoutEndingInARefusal() {
        TwoTimes clock = new TwoTimes();
        LocalBucket bucket = bucket(RateLimiterType.FIXED_WINDOW, 1, Duration.ofNanos(1), clock);
        assertThat(bucket.acquire(0)).isZero();
        assertThat(bucket.acquire(0)).isNegative();

        // 2^31 + 10 windows later the window number seen as an int is "behind" the state's: long past, not ahead.
        clock.precise += (1L << 31) + 10;
        assertThat(bucket.acquire(0)).isZero();
        assertThat(bucket.acquire(0)).isNegative();
        clock.precise += (1L << 32) + 3;
        assertThat(bucket.acquire(0)).isZero();
        assertThat(bucket.availablePermits()).isZero();
    }

    @Test
    void aFixedWindowStateAFewWindowsAheadIsTheCurrentOneSeenLate() {
        TwoTimes clock = new TwoTimes();
        BatchedBucket bucket = (BatchedBucket) bucket(RateLimiterType.FIXED_WINDOW, 1, Duration.ofNanos(10), clock);
        clock.precise = 25; // window 2
        assertThat(bucket.acquire(0)).isZero();
        clock.precise = 15; // a caller whose time was read before: window 1, the state's is newer
        assertThat(bucket.takeUpTo(clock.precise, 5)).as("the newer window's permit is taken").isZero();
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).as("reserved in the window after the state's")
                .isEqualTo(30 - 15);
    }
}

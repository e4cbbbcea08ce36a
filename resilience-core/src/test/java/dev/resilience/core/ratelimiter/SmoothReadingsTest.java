package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.test.ManualClock;

/**
 * The per-reading token bucket behind a striped smooth limiter: permits handed back after the time moved on are
 * as if they had been there when the bucket dropped what it could not hold; handed back later still, dropped.
 */
class SmoothReadingsTest {

    private final ManualClock clock = new ManualClock();
    /** 100 a second: 10 ms a permit, so a unit (~1 ms) refills a tenth of one. */
    private final SmoothReadings bucket = new SmoothReadings(RateLimiterConfig.builder().limitForPeriod(100)
            .limitRefreshPeriod(Duration.ofSeconds(1)).build(), clock);

    private long taken(int attempts) {
        long taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.acquire(0) == 0) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void permitsHandedBackInTheNextReadingAreFreeAgain() {
        long takenAt = clock.nanoTime();
        assertThat(bucket.takeUpTo(takenAt, 50)).isEqualTo(50);
        clock.advance(StripedBucket.UNIT_NANOS);
        assertThat(bucket.availablePermits()).isEqualTo(50);

        bucket.giveBack(takenAt, 50);
        assertThat(taken(200)).as("the 50 back, the tenth of a permit refilled not yet whole").isEqualTo(100);
    }

    @Test
    void permitsHandedBackAfterTheBucketFilledUpAreDroppedAsTheBucketWouldHave() {
        long takenAt = clock.nanoTime();
        assertThat(bucket.takeUpTo(takenAt, 50)).isEqualTo(50);
        clock.advance(Duration.ofSeconds(10));
        assertThat(bucket.takeUpTo(clock.nanoTime(), 1)).as("the next reading: full").isEqualTo(1);

        bucket.giveBack(takenAt, 50);
        assertThat(bucket.availablePermits()).isEqualTo(99);
        assertThat(taken(200)).as("never more than the limit").isEqualTo(99);
    }

    @Test
    void permitsHandedBackTwoReadingsLateAreDropped() {
        long takenAt = clock.nanoTime();
        assertThat(bucket.takeUpTo(takenAt, 100)).isEqualTo(100);
        clock.advance(StripedBucket.UNIT_NANOS);
        assertThat(bucket.acquire(0)).isNegative(); // a reading without a whole permit
        clock.advance(StripedBucket.UNIT_NANOS);
        assertThat(bucket.acquire(0)).isNegative();

        bucket.giveBack(takenAt, 100);
        assertThat(bucket.availablePermits()).as("whether the cap dropped them is no longer known").isZero();
    }

    @Test
    void aReservationWaitsForItsPermitAndARefundHandsItBack() {
        assertThat(taken(100)).isEqualTo(100);
        long wait = bucket.acquire(Duration.ofSeconds(1).toNanos());
        assertThat(wait).isEqualTo(Duration.ofMillis(10).toNanos());
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).isEqualTo(Duration.ofMillis(20).toNanos());

        bucket.refund();
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).as("the refunded place again")
                .isEqualTo(Duration.ofMillis(20).toNanos());
        clock.advance(Duration.ofMillis(35));
        assertThat(bucket.acquire(0)).as("the two reservations are paid by 20 ms; the third permit is due at 30")
                .isZero();
        assertThat(bucket.acquire(0)).isNegative();
    }

    @Test
    void aReservationRefundedAfterTheClockMovedOnIsAsIfNeverMade() {
        assertThat(taken(100)).isEqualTo(100);
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).isEqualTo(Duration.ofMillis(10).toNanos());
        clock.advance(2 * StripedBucket.UNIT_NANOS); // 2.097152 ms: a debt of one permit carried into this reading

        bucket.refund();
        assertThat(bucket.acquire(Duration.ofSeconds(1).toNanos())).as("the first permit past the 100, as before")
                .isEqualTo(Duration.ofMillis(10).toNanos() - 2 * StripedBucket.UNIT_NANOS);
    }
}

package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.event.EventType;
import dev.resilience.test.ManualClock;

/** Permits per period, smooth and fixed-window, exact under contention, on a manual clock. */
class RateLimiterTest {

    private final ManualClock clock = new ManualClock();

    private RateLimiter limiter(RateLimiterType type, int limit, Duration period) {
        return RateLimiter.of("limiter", RateLimiterConfig.builder().type(type).limitForPeriod(limit)
                .limitRefreshPeriod(period).build(), clock);
    }

    private static int take(RateLimiter limiter, int attempts) {
        int permitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquirePermission()) {
                permitted++;
            }
        }
        return permitted;
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aFreshLimiterHandsOutExactlyItsLimitThenRejects(RateLimiterType type) {
        RateLimiter limiter = limiter(type, 10, Duration.ofSeconds(1));

        assertThat(take(limiter, 25)).isEqualTo(10);
        assertThat(limiter.permittedCalls()).isEqualTo(10);
        assertThat(limiter.rejectedCalls()).isEqualTo(15);
        assertThat(limiter.availablePermits()).isZero();
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void eightThreadsTakingAHundredThousandTimesGetExactlyTheLimitPerPeriod(RateLimiterType type) throws Exception {
        RateLimiter limiter = limiter(type, 1_000, Duration.ofSeconds(1));
        for (int period = 0; period < 3; period++) {
            assertThat(Contention.permitsTaken(8, 12_500, limiter::tryAcquirePermission))
                    .as("permits in period %d, to the permit", period).isEqualTo(1_000);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(limiter.permittedCalls()).isEqualTo(3_000);
        assertThat(limiter.rejectedCalls()).isEqualTo(3 * 100_000 - 3_000);
    }

    @Test
    void smoothRefillsOnePermitEveryPeriodOverLimit() {
        RateLimiter limiter = limiter(RateLimiterType.SMOOTH, 10, Duration.ofSeconds(1));
        take(limiter, 10);

        clock.advance(Duration.ofMillis(99));
        assertThat(limiter.tryAcquirePermission()).as("not yet: one permit per 100 ms").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquirePermission()).isTrue();
        assertThat(limiter.tryAcquirePermission()).isFalse();

        clock.advance(Duration.ofMillis(350));
        assertThat(take(limiter, 10)).as("three more in 350 ms").isEqualTo(3);
    }

    @Test
    void smoothNeverHoldsMoreThanTheLimit() {
        RateLimiter limiter = limiter(RateLimiterType.SMOOTH, 10, Duration.ofSeconds(1));

        clock.advance(Duration.ofMinutes(5));

        assertThat(limiter.availablePermits()).isEqualTo(10);
        assertThat(take(limiter, 50)).isEqualTo(10);
    }

    @Test
    void aFixedWindowRefillsAllAtOnceAtTheNextWindow() {
        RateLimiter limiter = limiter(RateLimiterType.FIXED_WINDOW, 10, Duration.ofSeconds(1));
        take(limiter, 10);

        clock.advance(Duration.ofMillis(999));
        assertThat(limiter.tryAcquirePermission()).as("still the same window").isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(take(limiter, 50)).as("the whole limit at the window's start").isEqualTo(10);
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aRejectionSaysWhenTheNextPermitFrees(RateLimiterType type) {
        RateLimiter limiter = limiter(type, 4, Duration.ofSeconds(1));
        take(limiter, 4);
        clock.advance(Duration.ofMillis(100));

        assertThatThrownBy(() -> limiter.acquire(limiter.bucketFor(null)))
                .isInstanceOfSatisfying(RateLimitExceededException.class, rejected -> {
                    Duration expected = type == RateLimiterType.SMOOTH ? Duration.ofMillis(150) : Duration.ofMillis(900);
                    assertThat(rejected.retryAfter()).contains(expected);
                    assertThat(rejected.rateLimiterName()).isEqualTo("limiter");
                });
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void withAMaxWaitAPermitIsReservedAndTheWaitReturned(RateLimiterType type) {
        RateLimiter limiter = RateLimiter.of("limiter", RateLimiterConfig.builder().type(type).limitForPeriod(2)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(Duration.ofSeconds(1)).build(), clock);
        PermitBucket bucket = limiter.bucketFor(null);

        assertThat(limiter.acquire(bucket)).isZero();
        assertThat(limiter.acquire(bucket)).isZero();
        long wait = limiter.acquire(bucket);
        assertThat(Duration.ofNanos(wait)).isEqualTo(type == RateLimiterType.SMOOTH ? Duration.ofMillis(500)
                : Duration.ofSeconds(1));
        if (type == RateLimiterType.SMOOTH) {
            assertThat(Duration.ofNanos(limiter.acquire(bucket))).isEqualTo(Duration.ofSeconds(1));
        } else {
            assertThat(Duration.ofNanos(limiter.acquire(bucket))).as("the next window holds two")
                    .isEqualTo(Duration.ofSeconds(1));
        }
        assertThatThrownBy(() -> limiter.acquire(bucket)).isInstanceOf(RateLimitExceededException.class);
        assertThat(limiter.permittedCalls()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(RateLimiterType.class)
    void aRefundedReservationIsFreeAgain(RateLimiterType type) {
        RateLimiter limiter = RateLimiter.of("limiter", RateLimiterConfig.builder().type(type).limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(Duration.ofSeconds(5)).build(), clock);
        PermitBucket bucket = limiter.bucketFor(null);
        limiter.acquire(bucket);
        long first = limiter.acquire(bucket);

        bucket.refund();

        assertThat(limiter.acquire(bucket)).as("the refunded slot is handed out again").isEqualTo(first);
    }

    @Test
    void eachKeyHasItsOwnBucketWithTheLimitersSettings() {
        RateLimiter limiter = limiter(RateLimiterType.SMOOTH, 3, Duration.ofSeconds(1));

        assertThat(take(limiter.bucketFor("tenant-a"), 10)).isEqualTo(3);
        assertThat(take(limiter.bucketFor("tenant-b"), 10)).as("another tenant is unaffected").isEqualTo(3);
        assertThat(limiter.availablePermits()).as("the shared bucket too").isEqualTo(3);
        assertThat(limiter.keys()).isEqualTo(2);
    }

    @Test
    void theLeastRecentlyUsedKeysAreDroppedBeyondMaxKeys() {
        RateLimiter limiter = RateLimiter.of("limiter", RateLimiterConfig.builder().limitForPeriod(1).maxKeys(100)
                .build(), clock);
        for (int key = 0; key < 100; key++) {
            take(limiter.bucketFor(key), 1);
            clock.advance(Duration.ofMillis(20)); // coarse time moves on: key order = use order
        }
        take(limiter.bucketFor(0), 1); // key 0 is used again: now the most recent

        limiter.bucketFor(100);

        assertThat(limiter.keys()).as("a tenth dropped at once").isLessThanOrEqualTo(100).isGreaterThanOrEqualTo(90);
        assertThat(take(limiter.bucketFor(0), 1)).as("key 0 kept its spent bucket").isZero();
        assertThat(take(limiter.bucketFor(1), 1)).as("key 1, the least recently used, started afresh").isEqualTo(1);
    }

    @Test
    void permitsAndRejectionsArePublished() {
        RateLimiter limiter = limiter(RateLimiterType.SMOOTH, 1, Duration.ofSeconds(1));
        List<EventType> events = new ArrayList<>();
        limiter.events().onEvent(event -> events.add(event.type()));

        take(limiter, 2);

        assertThat(events).containsExactly(EventType.RATE_LIMITER_PERMITTED, EventType.RATE_LIMITER_REJECTED);
    }

    @Test
    void invalidSettingsAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> RateLimiterConfig.builder().limitForPeriod(0).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("limitForPeriod");
        assertThatThrownBy(() -> RateLimiterConfig.builder().limitRefreshPeriod(Duration.ZERO).build())
                .hasMessageContaining("limitRefreshPeriod");
        assertThatThrownBy(() -> RateLimiterConfig.builder().maxWaitDuration(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("maxWaitDuration");
        assertThatThrownBy(() -> RateLimiterConfig.builder().limitForPeriod(1_000_000_001).build())
                .hasMessageContaining("at most 1000000000");
        assertThatThrownBy(() -> RateLimiterConfig.builder().expectedInstances(0).build())
                .hasMessageContaining("expectedInstances");
    }

    private static int take(PermitBucket bucket, int attempts) {
        return Contention.permitsTaken(bucket, attempts);
    }

    @Test
    void countsStayExactWhenKeysAreCreatedConcurrently() throws Exception {
        RateLimiter limiter = limiter(RateLimiterType.FIXED_WINDOW, 5, Duration.ofSeconds(1));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        AtomicInteger permitted = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        if (limiter.tryAcquirePermission("key-" + (i % 10))) {
                            permitted.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(permitted).as("ten keys of five permits").hasValue(50);
    }
}

package dev.resilience.ratelimiter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.resilience.core.ratelimiter.PermitBucket;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.test.ManualClock;

/**
 * What every engine must do: three instances of a service, each with its own {@link ClusterPermitBuckets} on
 * its own connection to one engine, share one limit. Time is a {@link ManualClock} shared by the three
 * (their buckets read the engine's time from it), so a burst is a burst however long the round trips take.
 */
abstract class SharedBucketsContract {

    static final long MILLI = 1_000_000L;

    /** The clock of every instance's buckets. */
    abstract ManualClock clock();

    /** Three instances' buckets on one engine. */
    abstract List<ClusterPermitBuckets> instances();

    /** A fourth instance, started now (closed with the others). */
    abstract ClusterPermitBuckets startAnotherInstance();

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static RateLimiterConfig perSecond(int limit, RateLimiterType type) {
        return RateLimiterConfig.builder().limitForPeriod(limit).limitRefreshPeriod(Duration.ofSeconds(1)).type(type)
                .scope(RateLimiterScope.CLUSTER).build();
    }

    List<RateLimiter> limiters(String name, RateLimiterConfig config) {
        List<RateLimiter> limiters = new ArrayList<>();
        for (ClusterPermitBuckets buckets : instances()) {
            limiters.add(RateLimiter.of(name, config, clock(), buckets));
        }
        return limiters;
    }

    /** {@code rounds} calls on each limiter in turn, without a key ({@code key} null) or with one. */
    static int admitted(List<RateLimiter> limiters, Object key, int rounds) {
        int admitted = 0;
        for (int i = 0; i < rounds; i++) {
            for (RateLimiter limiter : limiters) {
                if (limiter.tryAcquirePermission(key)) {
                    admitted++;
                }
            }
        }
        return admitted;
    }

    /** The clock on the next whole second of wall time: the start of a fixed window of one second. */
    void advanceToNextSecond() {
        long millis = clock().currentTimeMillis() % 1000;
        clock().advance(Duration.ofMillis(millis == 0 ? 1000 : 1000 - millis));
    }

    @Test
    void aBurstFromThreeInstancesAtOnceIsAdmittedExactlyTheSharedLimit() throws Exception {
        List<RateLimiter> limiters = limiters(unique("burst"), perSecond(100, RateLimiterType.SMOOTH));
        ExecutorService threads = Executors.newFixedThreadPool(limiters.size());
        try {
            List<Callable<Integer>> bursts = new ArrayList<>();
            for (RateLimiter limiter : limiters) {
                bursts.add(() -> admitted(List.of(limiter), null, 150));
            }
            int admitted = 0;
            for (Future<Integer> burst : threads.invokeAll(bursts, 2, TimeUnit.MINUTES)) {
                admitted += burst.get();
            }
            assertThat(admitted).isEqualTo(100);
            assertThat(limiters.stream().mapToLong(RateLimiter::rejectedCalls).sum()).isEqualTo(350);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void smoothRefillsOnePermitEveryPeriodOverLimitForEveryone() {
        List<RateLimiter> limiters = limiters(unique("smooth"), perSecond(100, RateLimiterType.SMOOTH));
        assertThat(admitted(limiters, null, 50)).isEqualTo(100);

        clock().advance(Duration.ofMillis(100));
        assertThat(admitted(limiters, null, 10)).isEqualTo(10);

        clock().advance(Duration.ofMillis(500));
        assertThat(admitted(limiters, null, 30)).isEqualTo(50);
    }

    @Test
    void fixedWindowHandsTheWholeLimitBackAtTheWindowsStartOnly() {
        advanceToNextSecond();
        List<RateLimiter> limiters = limiters(unique("fixed"), perSecond(100, RateLimiterType.FIXED_WINDOW));
        clock().advance(Duration.ofMillis(200));
        assertThat(admitted(limiters, null, 50)).isEqualTo(100);

        clock().advance(Duration.ofMillis(799)); // 999 ms into the window: a smooth bucket would have ~80 back
        assertThat(admitted(limiters, null, 10)).isZero();

        clock().advance(Duration.ofMillis(1)); // the next window
        assertThat(admitted(limiters, null, 50)).isEqualTo(100);

        clock().advance(Duration.ofMillis(2_500)); // unused windows do not add up
        assertThat(admitted(limiters, null, 50)).isEqualTo(100);
    }

    @Test
    void eachKeyHasOneBucketSharedByEveryInstanceAndApartFromTheOtherKeys() {
        List<RateLimiter> limiters = limiters(unique("keyed"), perSecond(5, RateLimiterType.SMOOTH));

        assertThat(admitted(limiters, "tenant-a", 5)).isEqualTo(5);
        assertThat(admitted(limiters, "tenant-b", 5)).isEqualTo(5);
        assertThat(admitted(limiters, "tenant-a", 5)).isZero();
        assertThat(admitted(limiters, null, 5)).isEqualTo(5);
        assertThat(limiters.get(2).keys()).isEqualTo(2);
    }

    @Test
    void aReservationReturnsItsWaitWithoutBlockingAndARefundGivesThePermitBack() {
        String name = unique("reserve");
        RateLimiterConfig config = RateLimiterConfig.from(perSecond(10, RateLimiterType.SMOOTH))
                .maxWaitDuration(Duration.ofSeconds(1)).build();
        List<PermitBucket> buckets = instances().stream().map(b -> b.create(name, null, config)).toList();
        for (int i = 0; i < 10; i++) {
            assertThat(buckets.get(i % 3).acquire(0)).isZero();
        }
        long start = System.nanoTime();
        assertThat(buckets.get(1).acquire(1_000 * MILLI)).isEqualTo(100 * MILLI);
        assertThat(buckets.get(2).acquire(1_000 * MILLI)).isEqualTo(200 * MILLI);
        assertThat(System.nanoTime() - start).as("reserving does not sleep").isLessThan(250 * MILLI);

        assertThat(buckets.get(0).acquire(0)).as("no wait allowed: rejected, retry after").isEqualTo(-300 * MILLI);
        assertThat(buckets.get(0).acquire(250 * MILLI)).as("beyond the wait allowed").isEqualTo(-300 * MILLI);

        buckets.get(1).refund();
        assertThat(buckets.get(0).acquire(1_000 * MILLI)).isEqualTo(200 * MILLI);
        assertThat(buckets.get(2).availablePermits()).isZero();

        clock().advance(Duration.ofMillis(700));
        assertThat(buckets.get(2).availablePermits()).isEqualTo(5);
    }

    @Test
    void theSettingsOfTheInstanceStartedLastWinWithTheTokensKept() {
        String name = unique("redeployed");
        RateLimiter old = RateLimiter.of(name, perSecond(10, RateLimiterType.SMOOTH), clock(), instances().get(0));
        assertThat(admitted(List.of(old), null, 4)).isEqualTo(4);

        clock().advance(Duration.ofMillis(1)); // a later start (1 ms refills a hundredth of a permit)
        RateLimiter redeployed = RateLimiter.of(name, perSecond(20, RateLimiterType.SMOOTH), clock(),
                startAnotherInstance());
        assertThat(admitted(List.of(redeployed), null, 30)).as("the 6 left, not a new bucket of 20").isEqualTo(6);

        clock().advance(Duration.ofSeconds(1));
        assertThat(admitted(List.of(old, redeployed), null, 30)).as("20 per second, for the old instance too")
                .isEqualTo(20);
    }

    @Test
    void everyInstanceSeesTheSameAvailablePermits() {
        String name = unique("available");
        RateLimiterConfig config = perSecond(10, RateLimiterType.SMOOTH);
        List<PermitBucket> buckets = instances().stream().map(b -> b.create(name, null, config)).toList();
        for (int i = 0; i < 3; i++) {
            assertThat(buckets.get(0).acquire(0)).isZero();
        }
        assertThat(buckets.get(1).availablePermits()).isEqualTo(7);
        assertThat(buckets.get(2).availablePermits()).isEqualTo(7);
        assertThat(instances().get(1).state(name)).hasValueSatisfying(state -> {
            assertThat(state.shared()).isTrue();
            assertThat(state.limitForPeriod()).isEqualTo(10);
            assertThat(state.lastError()).isEmpty();
        });
    }
}

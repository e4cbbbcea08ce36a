package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.test.ManualClock;

/** {@link RateLimiter#reconfigure}: the next permit uses the new settings. */
class RateLimiterReconfigurationTest {

    private final ManualClock clock = new ManualClock();

    private static RateLimiterConfig.Builder tenPerSecond() {
        return RateLimiterConfig.builder().limitForPeriod(10).limitRefreshPeriod(Duration.ofSeconds(1))
                .maxWaitDuration(Duration.ZERO);
    }

    private static int take(RateLimiter limiter, Object key, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquirePermission(key)) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void newMaxWaitKeepsTheBucketAndItsPermits() {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().build(), clock);
        assertThat(take(limiter, null, 4)).isEqualTo(4);

        limiter.reconfigure(tenPerSecond().maxWaitDuration(Duration.ofMillis(500)).build());

        assertThat(limiter.availablePermits()).isEqualTo(6);
        assertThat(limiter.config().maxWaitDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(limiter.permittedCalls()).isEqualTo(4);
    }

    @Test
    void newLimitTakesEffectForTheNextPermits() {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().build(), clock);
        assertThat(take(limiter, null, 10)).isEqualTo(10);
        assertThat(limiter.tryAcquirePermission()).isFalse();

        limiter.reconfigure(tenPerSecond().limitForPeriod(3).build());

        assertThat(take(limiter, null, 10)).isEqualTo(3); // a new bucket under the new limit
        clock.advance(Duration.ofSeconds(2)); // full again: never more than 3
        assertThat(take(limiter, null, 10)).isEqualTo(3);
        assertThat(limiter.permittedCalls()).isEqualTo(16);
        assertThat(limiter.rejectedCalls()).isEqualTo(15);
    }

    @Test
    void newTypeMakesABucketOfThatType() {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().build(), clock);

        limiter.reconfigure(tenPerSecond().type(RateLimiterType.FIXED_WINDOW).build());

        assertThat(limiter.config().type()).isEqualTo(RateLimiterType.FIXED_WINDOW);
        assertThat(take(limiter, null, 12)).isEqualTo(10);
    }

    @Test
    void keysKeepTheirBucketsUnlessTheLimitChanges() {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().limitForPeriod(2).build(), clock);
        assertThat(take(limiter, "alice", 2)).isEqualTo(2);

        limiter.reconfigure(tenPerSecond().limitForPeriod(2).maxKeys(500).build());
        assertThat(limiter.keys()).isEqualTo(1);
        assertThat(take(limiter, "alice", 1)).isZero();

        limiter.reconfigure(tenPerSecond().limitForPeriod(5).maxKeys(500).build());
        assertThat(limiter.keys()).isZero();
        assertThat(take(limiter, "alice", 6)).isEqualTo(5);
    }

    @Test
    void clusterScopedLimiterRefusesANewLimitAndChangesNothing() {
        RateLimiterConfig cluster = tenPerSecond().scope(RateLimiterScope.CLUSTER).build();
        RateLimiter limiter = RateLimiter.of("api", cluster, clock, PermitBuckets.local(clock));

        assertThatThrownBy(() -> limiter.reconfigure(RateLimiterConfig.from(cluster).limitForPeriod(20).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("limitForPeriod must stay 10 while a cluster-scoped rate limiter runs (its engine holds "
                        + "the shared buckets; restart the application to change it), but was 20");
        assertThatThrownBy(() -> limiter.reconfigure(RateLimiterConfig.from(cluster)
                .scope(RateLimiterScope.LOCAL).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("scope must stay CLUSTER");
        assertThat(limiter.config()).isSameAs(cluster);
    }

    @Test
    void clusterScopedLimiterTakesANewMaxWait() {
        RateLimiterConfig cluster = tenPerSecond().scope(RateLimiterScope.CLUSTER).build();
        RateLimiter limiter = RateLimiter.of("api", cluster, clock, PermitBuckets.local(clock));

        limiter.reconfigure(RateLimiterConfig.from(cluster).maxWaitDuration(Duration.ofSeconds(1)).build());

        assertThat(limiter.config().maxWaitDuration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void localLimiterCannotBecomeClusterScopedWhileItRuns() {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().build(), clock);

        assertThatThrownBy(() -> limiter.reconfigure(tenPerSecond().scope(RateLimiterScope.CLUSTER).build()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("scope must stay LOCAL while a cluster-scoped rate limiter runs");
    }

    /**
     * Permits taken on four threads while a fifth keeps changing the limit (new buckets each time) and the max
     * wait (same buckets): every attempt is counted once, as permitted or rejected, and each outcome matches.
     */
    @Test
    void permitsTakenWhileTheLimitChangesAreCountedExactlyOnce() throws Exception {
        RateLimiter limiter = RateLimiter.of("api", tenPerSecond().build(), clock);
        int threads = 4;
        int attempts = 50_000;
        AtomicLong permitted = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < attempts; i++) {
                    if (limiter.tryAcquirePermission("key-" + (i % 3))) {
                        permitted.incrementAndGet();
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        Thread changer = new Thread(() -> {
            awaitQuietly(start);
            for (int i = 0; running.get(); i++) {
                limiter.reconfigure(tenPerSecond().limitForPeriod(5 + i % 20)
                        .maxWaitDuration(Duration.ofMillis(i % 2)).build());
                clock.advance(Duration.ofMillis(1));
            }
        });
        changer.start();
        start.countDown();
        for (Thread caller : callers) {
            caller.join(60_000);
        }
        running.set(false);
        changer.join(60_000);

        assertThat(limiter.permittedCalls()).isEqualTo(permitted.get());
        assertThat(limiter.permittedCalls() + limiter.rejectedCalls()).isEqualTo((long) threads * attempts);
        assertThat(limiter.waitingCalls()).isZero();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.resilience.ratelimiter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.test.ManualClock;

/** The steps of the engine-failure tests, the same for every engine. */
final class EngineFailureChecks {

    static final Duration SECOND = Duration.ofSeconds(1);

    private EngineFailureChecks() {
    }

    /** 100 per second for the fleet, 4 instances expected: 25 each while the engine is lost. */
    static RateLimiterConfig config(EngineFailureMode onFailure) {
        return RateLimiterConfig.builder().limitForPeriod(100).limitRefreshPeriod(SECOND)
                .scope(RateLimiterScope.CLUSTER).expectedInstances(4).onEngineFailure(onFailure).build();
    }

    static int admitted(RateLimiter limiter, int calls) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            if (limiter.tryAcquirePermission()) {
                admitted++;
            }
        }
        return admitted;
    }

    /**
     * With the engine lost: {@code local} limits to its share (25 of 100), {@code reject} rejects every call
     * with a retry after one period, each listener heard once, and the state says why.
     */
    static void fallsBack(ClusterPermitBuckets buckets, RecordingListener listener, RateLimiter local,
            RateLimiter reject) {
        assertThat(admitted(local, 100)).as("the local share: 100 / 4 expected instances").isEqualTo(25);
        assertThat(admitted(local, 10)).isZero();
        assertThat(admitted(reject, 10)).isZero();
        assertThat(buckets.create(reject.name(), null, reject.config()).acquire(0))
                .as("rejected, retry after one period").isEqualTo(-SECOND.toNanos());
        assertThat(listener.transitions).containsExactly("lost:" + local.name(), "lost:" + reject.name());
        assertThat(listener.causes).allSatisfy(cause -> assertThat(cause).isNotNull());

        EngineState state = buckets.state(local.name()).orElseThrow();
        assertThat(state.mode()).isEqualTo(EngineState.Mode.LOCAL_FALLBACK);
        assertThat(state.fallbackLimit()).isEqualTo(25);
        assertThat(state.lastError()).isPresent();
        assertThat(state.describe()).contains("limiting locally to 25 per PT1S");
        assertThat(buckets.state(reject.name()).orElseThrow().mode()).isEqualTo(EngineState.Mode.REJECTING);
    }

    /**
     * Moves the clock one probe interval at a time until both limiters take their permits from the shared
     * bucket again (each listener told once), within a minute of real time.
     */
    static void comesBack(ClusterPermitBuckets buckets, RecordingListener listener, ManualClock clock,
            RateLimiter local, RateLimiter reject) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        for (RateLimiter limiter : List.of(local, reject)) {
            while (!buckets.state(limiter.name()).orElseThrow().shared()) {
                assertThat(System.nanoTime()).as("back on the shared bucket within a minute").isLessThan(deadline);
                clock.advance(SECOND);
                limiter.tryAcquirePermission();
                LoopbackHazelcast.sleep(50);
            }
        }
        assertThat(listener.transitions).containsExactly("lost:" + local.name(), "lost:" + reject.name(),
                "back:" + local.name(), "back:" + reject.name());
        assertThat(buckets.state(local.name()).orElseThrow().lastError()).isEmpty();
    }

    /** The shared bucket counts again: once it is full, exactly the limit. */
    static void sharesAgain(ManualClock clock, RateLimiter local) {
        clock.advance(SECOND);
        assertThat(admitted(local, 150)).isEqualTo(100);
    }
}

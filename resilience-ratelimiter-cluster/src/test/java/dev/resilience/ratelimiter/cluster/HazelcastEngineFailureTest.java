package dev.resilience.ratelimiter.cluster;

import static dev.resilience.ratelimiter.cluster.EngineFailureChecks.admitted;
import static dev.resilience.ratelimiter.cluster.EngineFailureChecks.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.test.ManualClock;

/**
 * A Hazelcast client on a one-member cluster that goes away, then a new member on the same address: the
 * limiters fall back, then return to the shared bucket.
 */
class HazelcastEngineFailureTest {

    @Test
    void aLostClusterFallsBackAndANewOneIsSharedAgain() {
        String cluster = "rl-failure-" + UUID.randomUUID();
        int port = LoopbackHazelcast.freePort();
        HazelcastInstance member = Hazelcast.newHazelcastInstance(
                LoopbackHazelcast.memberConfig(cluster, port, List.of(port)));
        HazelcastInstance client = LoopbackHazelcast.client(cluster, port);
        HazelcastInstance again = null;
        try {
            ManualClock clock = new ManualClock();
            RecordingListener listener = new RecordingListener();
            ClusterPermitBuckets buckets = HazelcastEngine.buckets(client).clock(clock).engineTimeOnClock(true)
                    .listener(listener).requestTimeout(Duration.ofSeconds(2)).build();
            RateLimiter local = RateLimiter.of("orders", config(EngineFailureMode.LOCAL), clock, buckets);
            RateLimiter reject = RateLimiter.of("payments", config(EngineFailureMode.REJECT), clock, buckets);
            assertThat(admitted(local, 150)).isEqualTo(100);
            assertThat(admitted(reject, 10)).isEqualTo(10);
            assertThat(listener.transitions).isEmpty();

            member.shutdown();
            EngineFailureChecks.fallsBack(buckets, listener, local, reject);

            again = Hazelcast.newHazelcastInstance(LoopbackHazelcast.memberConfig(cluster, port, List.of(port)));
            EngineFailureChecks.comesBack(buckets, listener, clock, local, reject);
            EngineFailureChecks.sharesAgain(clock, local);
        } finally {
            client.shutdown();
            member.shutdown();
            if (again != null) {
                again.shutdown();
            }
        }
    }
}

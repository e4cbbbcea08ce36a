package dev.resilience.ratelimiter.cluster;

import static dev.resilience.ratelimiter.cluster.EngineFailureChecks.admitted;
import static dev.resilience.ratelimiter.cluster.EngineFailureChecks.config;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.test.ManualClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

/** A real redis-server that is stopped and started again under the limiters. */
class RedisEngineFailureTest {

    private RedisServerProcess redis;
    private ClientResources resources;
    private RedisClient client;
    private ClusterPermitBuckets buckets;
    private final ManualClock clock = new ManualClock();
    private final RecordingListener listener = new RecordingListener();

    @BeforeEach
    void client() {
        redis = new RedisServerProcess();
        // Reconnects every 100 ms, so a restarted server is found soon.
        resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        client = RedisClient.create(resources, RedisURI.create(redis.uri()));
        buckets = RedisEngine.buckets(client).clock(clock).engineTimeOnClock(true).listener(listener)
                .requestTimeout(Duration.ofMillis(500)).build();
    }

    @AfterEach
    void stop() throws Exception {
        buckets.close();
        client.shutdown();
        resources.shutdown();
        redis.close();
    }

    @Test
    void aStoppedRedisFallsBackAndARestartedOneIsSharedAgain() {
        redis.start();
        RateLimiter local = RateLimiter.of("orders", config(EngineFailureMode.LOCAL), clock, buckets);
        RateLimiter reject = RateLimiter.of("payments", config(EngineFailureMode.REJECT), clock, buckets);
        assertThat(admitted(local, 150)).isEqualTo(100);
        assertThat(admitted(reject, 10)).isEqualTo(10);
        assertThat(listener.transitions).isEmpty();

        redis.stop();
        EngineFailureChecks.fallsBack(buckets, listener, local, reject);

        redis.start();
        EngineFailureChecks.comesBack(buckets, listener, clock, local, reject);
        EngineFailureChecks.sharesAgain(clock, local);
    }

    @Test
    void aRedisDownAtStartUpIsAnEngineFailureNotAFailedStart() {
        RateLimiter local = RateLimiter.of("orders", config(EngineFailureMode.LOCAL), clock, buckets);
        RateLimiter reject = RateLimiter.of("payments", config(EngineFailureMode.REJECT), clock, buckets);
        EngineFailureChecks.fallsBack(buckets, listener, local, reject);

        redis.start();
        EngineFailureChecks.comesBack(buckets, listener, clock, local, reject);
        EngineFailureChecks.sharesAgain(clock, local);
    }
}

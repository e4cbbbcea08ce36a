package dev.resilience.ratelimiter.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import dev.resilience.test.ManualClock;
import io.lettuce.core.RedisClient;

/** A real redis-server on loopback; three Lettuce clients, one {@link ClusterPermitBuckets} on each. */
class RedisClusterBucketsTest extends SharedBucketsContract {

    private static final ManualClock CLOCK = new ManualClock();
    private static RedisServerProcess redis;
    private static final List<RedisClient> CLIENTS = new ArrayList<>();
    private static final List<ClusterPermitBuckets> INSTANCES = new ArrayList<>();
    private static final List<ClusterPermitBuckets> OPENED = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = new RedisServerProcess().start();
        for (int i = 0; i < 3; i++) {
            INSTANCES.add(newInstance());
        }
    }

    private static ClusterPermitBuckets newInstance() {
        RedisClient client = RedisClient.create(redis.uri());
        CLIENTS.add(client);
        ClusterPermitBuckets buckets = RedisEngine.buckets(client).clock(CLOCK).engineTimeOnClock(true)
                .requestTimeout(Duration.ofSeconds(5)).build();
        OPENED.add(buckets);
        return buckets;
    }

    @AfterAll
    static void stopRedis() throws Exception {
        for (ClusterPermitBuckets instance : OPENED) {
            instance.close();
        }
        CLIENTS.forEach(RedisClient::shutdown);
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    ManualClock clock() {
        return CLOCK;
    }

    @Override
    List<ClusterPermitBuckets> instances() {
        return INSTANCES;
    }

    @Override
    ClusterPermitBuckets startAnotherInstance() {
        return newInstance();
    }
}

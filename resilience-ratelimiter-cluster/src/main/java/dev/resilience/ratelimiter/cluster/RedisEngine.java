package dev.resilience.ratelimiter.cluster;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * Shared buckets in Redis through Lettuce: one string key per bucket, updated by Bucket4j's compare-and-swap
 * (a read and a Lua-scripted swap, retried on a conflict). Keys start with {@value #DEFAULT_KEY_PREFIX} so
 * they stay apart from the application's own keys in a shared Redis.
 */
public final class RedisEngine {

    /** Engine name in health details and events. */
    public static final String NAME = "redis";

    /** Put before every bucket's key unless told otherwise. */
    public static final String DEFAULT_KEY_PREFIX = "resilience:rate-limiter:";

    private RedisEngine() {
    }

    /**
     * Buckets on a connection of their own from {@code client}, opened on first use (a Redis that is down at
     * start-up is an engine failure like any other, not a failed start) and closed by
     * {@link ClusterPermitBuckets#close()}.
     */
    public static ClusterPermitBuckets.Builder buckets(RedisClient client) {
        return buckets(() -> client);
    }

    /**
     * As {@link #buckets(RedisClient)}, with the client (a {@link RedisClient} or a {@link RedisClusterClient})
     * asked for on first use: e.g. Spring Data Redis's, which exists once its connection factory started.
     */
    public static ClusterPermitBuckets.Builder buckets(Supplier<? extends AbstractRedisClient> client) {
        return ClusterPermitBuckets.builder(NAME, () -> {
            AbstractRedisClient redis = client.get();
            if (redis instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<byte[], byte[]> connection = cluster.connect(ByteArrayCodec.INSTANCE);
                return ClusterPermitBuckets.Engine.of(Bucket4jLettuce.casBasedBuilder(connection), RedisEngine::key,
                        connection);
            }
            if (redis instanceof RedisClient single) {
                StatefulRedisConnection<byte[], byte[]> connection = single.connect(ByteArrayCodec.INSTANCE);
                return ClusterPermitBuckets.Engine.of(Bucket4jLettuce.casBasedBuilder(connection), RedisEngine::key,
                        connection);
            }
            throw new IllegalStateException("not a Lettuce RedisClient or RedisClusterClient: " + redis);
        }).keyPrefix(DEFAULT_KEY_PREFIX);
    }

    /** Buckets on {@code connection}, which stays the caller's to close. */
    public static ClusterPermitBuckets.Builder buckets(StatefulRedisConnection<byte[], byte[]> connection) {
        return ClusterPermitBuckets.builder(NAME,
                () -> ClusterPermitBuckets.Engine.of(Bucket4jLettuce.casBasedBuilder(connection), RedisEngine::key,
                        null))
                .keyPrefix(DEFAULT_KEY_PREFIX);
    }

    private static byte[] key(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }
}

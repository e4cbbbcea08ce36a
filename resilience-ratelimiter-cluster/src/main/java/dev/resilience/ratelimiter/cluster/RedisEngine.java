package dev.resilience.ratelimiter.cluster;

import java.nio.charset.StandardCharsets;

import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
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
        return ClusterPermitBuckets.builder(NAME, () -> {
            StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
            return ClusterPermitBuckets.Engine.of(Bucket4jLettuce.casBasedBuilder(connection), RedisEngine::key,
                    connection);
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

package dev.resilience.ratelimiter.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;

/**
 * Shared buckets in a Hazelcast {@link IMap}, one entry per bucket, updated by Bucket4j's entry processor on
 * the member that owns the entry (one network hop per permit). Works with a member or a client instance. The
 * members run Bucket4j's entry processor: with embedded members it is on their class path; a separate cluster
 * needs the bucket4j-hazelcast jar on its members' class path.
 */
public final class HazelcastEngine {

    /** Engine name in health details and events. */
    public static final String NAME = "hazelcast";

    /** The map of the buckets unless told otherwise. */
    public static final String DEFAULT_MAP = "resilience-rate-limiters";

    private HazelcastEngine() {
    }

    /** Buckets in map {@value #DEFAULT_MAP} of {@code hazelcast}. */
    public static ClusterPermitBuckets.Builder buckets(HazelcastInstance hazelcast) {
        return buckets(hazelcast, DEFAULT_MAP);
    }

    /** Buckets in map {@code mapName} of {@code hazelcast} (looked up on first use). */
    public static ClusterPermitBuckets.Builder buckets(HazelcastInstance hazelcast, String mapName) {
        return ClusterPermitBuckets.builder(NAME, () -> {
            IMap<String, byte[]> map = hazelcast.getMap(mapName);
            return ClusterPermitBuckets.Engine.of(Bucket4jHazelcast.entryProcessorBasedBuilder(map));
        });
    }
}

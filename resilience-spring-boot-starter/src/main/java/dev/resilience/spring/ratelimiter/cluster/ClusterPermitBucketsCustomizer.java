package dev.resilience.spring.ratelimiter.cluster;

import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;

/**
 * Adjusts the auto-configured {@code resilienceClusterPermitBuckets} before they are built: probe interval,
 * request timeout, key prefix, how long idle entries stay in the engine. Declare one or more as beans.
 */
@FunctionalInterface
public interface ClusterPermitBucketsCustomizer {

    void customize(ClusterPermitBuckets.Builder builder);
}

package dev.resilience.spring.ratelimiter.cluster;

import static dev.resilience.spring.ratelimiter.cluster.ClusterRateLimiterAutoConfiguration.BUCKETS_BEAN;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.hazelcast.core.HazelcastInstance;

import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.HazelcastEngine;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;

/** Cluster buckets in the application's Hazelcast (member or client). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ HazelcastInstance.class, Bucket4jHazelcast.class })
@ConditionalOnSingleCandidate(HazelcastInstance.class)
@ConditionalOnMissingBean(name = BUCKETS_BEAN)
class HazelcastClusterBucketsConfiguration {

    @Bean(name = BUCKETS_BEAN, destroyMethod = "close")
    ClusterPermitBuckets resilienceClusterPermitBuckets(HazelcastInstance hazelcast, ObjectProvider<Clock> clock,
            ObjectProvider<RateLimiterRegistry> registry, ObjectProvider<ClusterPermitBucketsCustomizer> customizers) {
        return ClusterRateLimiterAutoConfiguration.build(HazelcastEngine.buckets(hazelcast), clock, registry,
                customizers);
    }
}

package dev.resilience.spring.ratelimiter.cluster;

import static dev.resilience.spring.ratelimiter.cluster.ClusterRateLimiterAutoConfiguration.BUCKETS_BEAN;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.RedisEngine;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;

/** Cluster buckets in Redis, on a connection of their own from the application's Lettuce {@link RedisClient}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ RedisClient.class, Bucket4jLettuce.class })
@ConditionalOnSingleCandidate(RedisClient.class)
@ConditionalOnMissingBean(name = BUCKETS_BEAN)
class RedisClientClusterBucketsConfiguration {

    @Bean(name = BUCKETS_BEAN, destroyMethod = "close")
    ClusterPermitBuckets resilienceClusterPermitBuckets(RedisClient redis, ObjectProvider<Clock> clock,
            ObjectProvider<RateLimiterRegistry> registry, ObjectProvider<ClusterPermitBucketsCustomizer> customizers) {
        return ClusterRateLimiterAutoConfiguration.build(RedisEngine.buckets(redis), clock, registry, customizers);
    }
}

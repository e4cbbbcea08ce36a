package dev.resilience.spring.ratelimiter.cluster;

import static dev.resilience.spring.ratelimiter.cluster.ClusterRateLimiterAutoConfiguration.BUCKETS_BEAN;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.RedisEngine;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;

/**
 * Cluster buckets in the Redis of Spring Data Redis's {@link LettuceConnectionFactory} (Spring Boot's, from
 * {@code spring.data.redis.*}), on a connection of their own from its Lettuce client (standalone or cluster).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ RedisClient.class, Bucket4jLettuce.class, LettuceConnectionFactory.class })
@ConditionalOnSingleCandidate(LettuceConnectionFactory.class)
@ConditionalOnMissingBean(name = BUCKETS_BEAN)
class SpringDataRedisClusterBucketsConfiguration {

    /** The factory's Lettuce client exists once the factory started: it is asked for on first use. */
    @Bean(name = BUCKETS_BEAN, destroyMethod = "close")
    ClusterPermitBuckets resilienceClusterPermitBuckets(LettuceConnectionFactory redis, ObjectProvider<Clock> clock,
            ObjectProvider<RateLimiterRegistry> registry, ObjectProvider<ClusterPermitBucketsCustomizer> customizers) {
        return ClusterRateLimiterAutoConfiguration.build(RedisEngine.buckets(redis::getRequiredNativeClient), clock,
                registry, customizers);
    }
}

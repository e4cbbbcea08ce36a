package dev.resilience.spring.ratelimiter.cluster;

import static dev.resilience.spring.ratelimiter.cluster.ClusterRateLimiterAutoConfiguration.BUCKETS_BEAN;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;

/** The {@code clusterRateLimiters} health component; separate so the health module stays optional. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(name = BUCKETS_BEAN, value = ClusterPermitBuckets.class)
class ClusterRateLimitersHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "clusterRateLimitersHealthIndicator")
    @ConditionalOnEnabledHealthIndicator("clusterratelimiters")
    ClusterRateLimitersHealthIndicator clusterRateLimitersHealthIndicator(
            @Qualifier(BUCKETS_BEAN) ClusterPermitBuckets buckets) {
        return new ClusterRateLimitersHealthIndicator(buckets);
    }
}

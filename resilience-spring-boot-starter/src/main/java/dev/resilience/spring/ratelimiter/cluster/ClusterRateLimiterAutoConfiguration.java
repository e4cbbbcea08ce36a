package dev.resilience.spring.ratelimiter.cluster;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Import;

import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.HazelcastEngine;
import dev.resilience.ratelimiter.cluster.RedisEngine;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import io.github.bucket4j.BucketConfiguration;

/**
 * The buckets of rate limiters with {@code scope: cluster}: bean {@value #BUCKETS_BEAN}, shared by every
 * instance of the service on the first engine the application has, in this order:
 * <ol>
 * <li>a {@code HazelcastInstance} (member or client; Spring Boot makes one from {@code hazelcast.xml} or
 * {@code spring.hazelcast.config}): map {@value HazelcastEngine#DEFAULT_MAP};</li>
 * <li>a Lettuce {@code RedisClient} bean of the application's own;</li>
 * <li>Spring Data Redis's {@code LettuceConnectionFactory} (Spring Boot's, from {@code spring.data.redis.*}):
 * its Lettuce client, standalone or cluster.</li>
 * </ol>
 * With Redis the buckets open a connection of their own on first use (keys start with
 * {@value RedisEngine#DEFAULT_KEY_PREFIX}), so a Redis that is down at start-up does not fail the start: the
 * limiters fall back as for any engine failure. Each engine needs its Bucket4j module
 * ({@code com.bucket4j:bucket4j_jdk17-hazelcast} or {@code bucket4j_jdk17-lettuce}) and
 * {@code dev.resilience:resilience-ratelimiter-cluster} on the class path. A bean of that name of the
 * application's own wins; {@link ClusterPermitBucketsCustomizer} beans adjust the auto-configured one.
 *
 * <p>Engine transitions are published as {@code RATE_LIMITER_ENGINE_LOST} / {@code RATE_LIMITER_ENGINE_BACK}
 * events of the limiter, and the {@code clusterRateLimiters} health component shows where each limiter takes
 * its permits.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class, afterName = {
        "org.springframework.boot.hazelcast.autoconfigure.HazelcastAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnClass({ ClusterPermitBuckets.class, BucketConfiguration.class })
// In this order: the first engine found makes the buckets; health comes after, on the buckets made.
@Import({ HazelcastClusterBucketsConfiguration.class, RedisClientClusterBucketsConfiguration.class,
        SpringDataRedisClusterBucketsConfiguration.class, ClusterRateLimitersHealthConfiguration.class })
public class ClusterRateLimiterAutoConfiguration {

    /** The name the rate limiter registry looks the cluster-wide buckets up by. */
    public static final String BUCKETS_BEAN = "resilienceClusterPermitBuckets";

    /** The builder with the application's clock, the events listener and the customizers applied. */
    static ClusterPermitBuckets build(ClusterPermitBuckets.Builder builder, ObjectProvider<Clock> clock,
            ObjectProvider<RateLimiterRegistry> registry, ObjectProvider<ClusterPermitBucketsCustomizer> customizers) {
        ClusterEngineEvents events = new ClusterEngineEvents(registry);
        builder.clock(clock.getIfUnique(Clock::system)).listener(events);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        ClusterPermitBuckets buckets = builder.build();
        events.describe(buckets);
        return buckets;
    }
}

package dev.resilience.spring.ratelimiter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.spi.Clock;
import dev.resilience.ratelimiter.cluster.ClusterPermitBuckets;
import dev.resilience.ratelimiter.cluster.EngineState;
import dev.resilience.ratelimiter.cluster.HazelcastEngine;
import io.lettuce.core.RedisClient;

/** The auto-configuration on a real Hazelcast member in this JVM (loopback only), and on Lettuce clients. */
class ClusterRateLimiterAutoConfigurationTest {

    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final String BUCKETS = ClusterRateLimiterAutoConfiguration.BUCKETS_BEAN;
    private static HazelcastInstance member;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ClusterRateLimiterAutoConfiguration.class));

    @BeforeAll
    static void startMember() {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        member = startMember("rl-spring-" + UUID.randomUUID());
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
        }
    }

    /** One member alone on loopback: TCP-IP join on 127.0.0.1, no multicast, no auto-detection, no phone-home. */
    static HazelcastInstance startMember(String clusterName) {
        int port = freePort();
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        config.setProperty("hazelcast.partition.count", "7");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        return Hazelcast.newHazelcastInstance(config);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RateLimiterConfig cluster(int limit) {
        return RateLimiterConfig.builder().limitForPeriod(limit).limitRefreshPeriod(Duration.ofMinutes(1))
                .scope(RateLimiterScope.CLUSTER).expectedInstances(2).build();
    }

    static int admitted(RateLimiter limiter, int calls) {
        int admitted = 0;
        for (int i = 0; i < calls; i++) {
            if (limiter.tryAcquirePermission()) {
                admitted++;
            }
        }
        return admitted;
    }

    @Test
    void aHazelcastInstanceGivesBucketsSharedWithEveryOtherInstance() {
        runner.withBean(HazelcastInstance.class, () -> member, d -> d.setDestroyMethodName(""))
                .run(context -> {
                    assertThat(context).hasBean(BUCKETS);
                    PermitBuckets buckets = context.getBean(BUCKETS, PermitBuckets.class);
                    assertThat(buckets).isInstanceOf(ClusterPermitBuckets.class);
                    assertThat(((ClusterPermitBuckets) buckets).engineName()).isEqualTo("hazelcast");

                    // This application and another instance of the service, with buckets of its own.
                    ClusterPermitBuckets other = HazelcastEngine.buckets(member).build();
                    String name = "shared-" + UUID.randomUUID();
                    RateLimiter here = RateLimiter.of(name, cluster(6), Clock.system(), buckets);
                    RateLimiter there = RateLimiter.of(name, cluster(6), Clock.system(), other);
                    assertThat(admitted(here, 4)).isEqualTo(4);
                    assertThat(admitted(there, 4)).isEqualTo(2);
                    assertThat(admitted(here, 4)).isZero();

                    Health health = context.getBean(ClusterRateLimitersHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(limiterDetail(health, name)).containsEntry("mode", "SHARED")
                            .containsEntry("limitForPeriod", 6).doesNotContainKey("reason");
                });
    }

    @Test
    void aLostEngineIsPublishedOnTheLimiterAndShownInHealth() {
        HazelcastInstance doomed = startMember("rl-spring-lost-" + UUID.randomUUID());
        try {
            runner.withBean(HazelcastInstance.class, () -> doomed, d -> d.setDestroyMethodName(""))
                    .withUserConfiguration(RegistryConfiguration.class).run(context -> {
                        RateLimiter orders = context.getBean(RateLimiterRegistry.class).instance("orders");
                        List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
                        orders.events().onEvent(events::add);
                        assertThat(admitted(orders, 12)).isEqualTo(10);
                        ClusterRateLimitersHealthIndicator indicator = context
                                .getBean(ClusterRateLimitersHealthIndicator.class);
                        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

                        doomed.shutdown();
                        assertThat(admitted(orders, 10)).as("its share: 10 / 2 expected instances").isEqualTo(5);

                        List<ResilienceEvent> lost = events.stream()
                                .filter(e -> e.type() == EventType.RATE_LIMITER_ENGINE_LOST).toList();
                        assertThat(lost).singleElement().satisfies(event -> {
                            assertThat(event.name()).isEqualTo("orders");
                            assertThat(event.detail()).isEqualTo(
                                    "hazelcast unreachable: limiting locally to 5 per PT1M until it is back");
                            assertThat(event.error()).isNotNull();
                        });

                        Health health = indicator.health();
                        assertThat(health.getStatus()).isEqualTo(ClusterRateLimitersHealthIndicator.ENGINE_LOST);
                        assertThat(limiterDetail(health, "orders")).containsEntry("mode", "LOCAL_FALLBACK")
                                .containsEntry("fallbackLimitForPeriod", 5)
                                .hasEntrySatisfying("reason", reason -> assertThat((String) reason)
                                        .contains("HazelcastInstanceNotActiveException"));
                    });
        } finally {
            doomed.shutdown();
        }
    }

    @Test
    void aRedisClientBeanGivesRedisBucketsThatFallBackWhileRedisIsDown() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + freePort());
        try {
            runner.withBean(RedisClient.class, () -> client, d -> d.setDestroyMethodName("")).run(context -> {
                ClusterPermitBuckets buckets = context.getBean(BUCKETS, ClusterPermitBuckets.class);
                assertThat(buckets.engineName()).isEqualTo("redis");
                assertFallsBackWithNothingListening(buckets);
            });
        } finally {
            client.shutdown();
        }
    }

    @Test
    void springDataRedisOnLettuceGivesRedisBucketsOnItsClient() {
        runner.withBean(LettuceConnectionFactory.class,
                () -> new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", freePort())))
                .run(context -> {
                    ClusterPermitBuckets buckets = context.getBean(BUCKETS, ClusterPermitBuckets.class);
                    assertThat(buckets.engineName()).isEqualTo("redis");
                    assertFallsBackWithNothingListening(buckets);
                });
    }

    /** A port nobody listens on: the engine fails, and the limiter limits to its share. */
    private static void assertFallsBackWithNothingListening(ClusterPermitBuckets buckets) {
        RateLimiter limiter = RateLimiter.of("redis-down", cluster(10), Clock.system(), buckets);
        assertThat(admitted(limiter, 10)).isEqualTo(5);
        EngineState state = buckets.state("redis-down").orElseThrow();
        assertThat(state.mode()).isEqualTo(EngineState.Mode.LOCAL_FALLBACK);
        assertThat(state.lastError()).isPresent();
    }

    @Test
    void hazelcastComesBeforeRedis() {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + freePort());
        try {
            runner.withBean(HazelcastInstance.class, () -> member, d -> d.setDestroyMethodName(""))
                    .withBean(RedisClient.class, () -> client, d -> d.setDestroyMethodName(""))
                    .run(context -> assertThat(context.getBean(BUCKETS, ClusterPermitBuckets.class).engineName())
                            .isEqualTo("hazelcast"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void withoutAnEngineThereAreNoClusterBuckets() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(BUCKETS);
            assertThat(context).doesNotHaveBean(ClusterRateLimitersHealthIndicator.class);
        });
    }

    @Test
    void theApplicationsOwnBucketsWinAndCustomizersAdjustTheAutoConfiguredOnes() {
        PermitBuckets own = PermitBuckets.local(Clock.system());
        runner.withBean(HazelcastInstance.class, () -> member, d -> d.setDestroyMethodName(""))
                .withBean(BUCKETS, PermitBuckets.class, () -> own)
                .run(context -> assertThat(context.getBean(BUCKETS)).isSameAs(own));

        runner.withBean(HazelcastInstance.class, () -> member, d -> d.setDestroyMethodName(""))
                .withBean(ClusterPermitBucketsCustomizer.class,
                        () -> builder -> builder.keyPrefix("custom:"))
                .run(context -> {
                    ClusterPermitBuckets buckets = context.getBean(BUCKETS, ClusterPermitBuckets.class);
                    String name = "prefixed-" + UUID.randomUUID();
                    assertThat(RateLimiter.of(name, cluster(3), Clock.system(), buckets).tryAcquirePermission())
                            .isTrue();
                    assertThat(member.getMap(HazelcastEngine.DEFAULT_MAP).containsKey("custom:" + name)).isTrue();
                });
    }

    @Test
    void theHealthComponentCanBeSwitchedOff() {
        runner.withBean(HazelcastInstance.class, () -> member, d -> d.setDestroyMethodName(""))
                .withPropertyValues("management.health.clusterratelimiters.enabled=false")
                .run(context -> {
                    assertThat(context).hasBean(BUCKETS);
                    assertThat(context).doesNotHaveBean(ClusterRateLimitersHealthIndicator.class);
                });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> limiterDetail(Health health, String name) {
        Map<String, Object> limiters = (Map<String, Object>) health.getDetails().get("rateLimiters");
        return (Map<String, Object>) limiters.get(name);
    }

    /** A registry taking its buckets from the cluster bean, as the starter's own does for scope: cluster. */
    @Configuration(proxyBeanMethods = false)
    static class RegistryConfiguration {

        @Bean
        RateLimiterRegistry rateLimiterRegistry(@Qualifier(BUCKETS) PermitBuckets buckets) {
            RateLimiterRegistry registry = new RateLimiterRegistry(Clock.system(), buckets);
            registry.configureDefault(base -> cluster(10));
            return registry;
        }
    }
}

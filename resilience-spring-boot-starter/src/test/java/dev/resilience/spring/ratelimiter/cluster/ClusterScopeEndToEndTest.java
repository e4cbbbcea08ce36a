package dev.resilience.spring.ratelimiter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import com.hazelcast.core.HazelcastInstance;

import dev.resilience.annotation.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * Two instances of one service, each a whole application with the starter, share a {@code scope: cluster}
 * limit through the Hazelcast cluster they both use: together they get the limit, not twice it.
 */
class ClusterScopeEndToEndTest {

    private static HazelcastInstance member;

    @BeforeAll
    static void startMember() {
        Logger.getLogger("com.hazelcast").setLevel(Level.WARNING);
        member = ClusterRateLimiterAutoConfigurationTest.startMember("rl-e2e-" + UUID.randomUUID());
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
        }
    }

    private final ApplicationContextRunner instance = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
                    ClusterRateLimiterAutoConfiguration.class))
            .withBean(HazelcastInstance.class, () -> member)
            .withBean(Quotes.class)
            .withPropertyValues(
                    "resilience.ratelimiter.instances.partner-api.scope=cluster",
                    "resilience.ratelimiter.instances.partner-api.limit-for-period=10",
                    "resilience.ratelimiter.instances.partner-api.limit-refresh-period=1h");

    @Test
    void twoApplicationInstancesShareOneLimit() {
        AtomicInteger permitted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        instance.run(first -> instance.run(second -> {
            for (int round = 0; round < 15; round++) {
                for (Quotes quotes : new Quotes[] { first.getBean(Quotes.class), second.getBean(Quotes.class) }) {
                    try {
                        quotes.quote();
                        permitted.incrementAndGet();
                    } catch (RateLimitExceededException limited) {
                        rejected.incrementAndGet();
                    }
                }
            }
            assertThat(first.getBean(RateLimiterRegistry.class).instance("partner-api").config().scope())
                    .hasToString("CLUSTER");
        }));

        assertThat(permitted).as("10 for the fleet, not 10 each").hasValue(10);
        assertThat(rejected).hasValue(20);
    }

    static class Quotes {
        @RateLimiter(name = "partner-api")
        public String quote() {
            return "quote";
        }
    }
}

package dev.resilience.test.spring;

import static dev.resilience.test.ResilienceAssertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.spi.Clock;

/**
 * {@code chaosSeed}: each fault injection instance of the ChaosRegistry bean draws from
 * {@code ChaosRandom.seeded(42)}, afresh before each test, so each test sees the same hits whatever ran before;
 * {@link ResilienceTestSupport#seedChaos(long)} re-seeds within a test, instances built later included.
 */
@SpringBootTest(classes = ChaosSeedTest.WithChaos.class)
@ResilienceTest(chaosSeed = 42)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosSeedTest {

    private static final ChaosConfig HALF_THE_CALLS = ChaosConfig.builder().enabled(true).faultRate(0.5).build();

    @Autowired
    ResilienceTestSupport resilience;

    @Test
    @Order(1)
    void theSeedDecidesWhichCallsAreHit() {
        Chaos inventory = resilience.chaos("inventory");
        assertThat(draws(inventory, 40)).isEqualTo(expected(42, 40));
        assertThat(inventory).hasInjectedFaults(expected(42, 40).stream().filter(hit -> hit).count());
        assertThat(resilience.events()).ofInstance("inventory").containsEvent(EventType.CHAOS_FAULT_INJECTED);

        resilience.seedChaos(7);
        assertThat(draws(inventory, 40)).isEqualTo(expected(7, 40));
        assertThat(draws(resilience.chaos("builtLater"), 40)).isEqualTo(expected(7, 40));
        inventory.enable(false);
    }

    @Test
    @Order(2)
    void eachTestStartsFromTheSeedAgain() {
        Chaos inventory = resilience.chaos("inventory");
        assertThat(inventory).isEnabled().hasInjectedFaults(0);
        assertThat(draws(inventory, 40)).isEqualTo(expected(42, 40));
        assertThat(draws(resilience.chaos("builtLater"), 40)).isEqualTo(expected(42, 40));
    }

    private static List<Boolean> draws(Chaos chaos, int calls) {
        List<Boolean> hits = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            hits.add(chaos.injectFault());
        }
        return hits;
    }

    private static List<Boolean> expected(long seed, int calls) {
        return draws(Chaos.of("reference", HALF_THE_CALLS, Clock.system(), ChaosRandom.seeded(seed)), calls);
    }

    @Configuration(proxyBeanMethods = false)
    static class WithChaos {

        @Bean
        ChaosRegistry chaosRegistry(Clock clock) {
            ChaosRegistry registry = new ChaosRegistry(clock);
            registry.addConfig("default", HALF_THE_CALLS);
            return registry;
        }
    }
}

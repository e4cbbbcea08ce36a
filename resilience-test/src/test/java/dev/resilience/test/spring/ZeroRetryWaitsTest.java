package dev.resilience.test.spring;

import static dev.resilience.test.ResilienceAssertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.resilience.test.ManualClock;
import dev.resilience.test.spring.HandMadeApplication.Inventory;

/**
 * {@code zeroRetryWaits}: every retry config and instance the properties name waits zero, whatever they say,
 * and so does the default config. (The starter binds these properties; the kit's starter test shows a retry
 * that no longer moves the clock.) Seeding fault injection without a ChaosRegistry bean does nothing, quietly.
 */
@SpringBootTest(classes = HandMadeApplication.class, properties = {
        "resilience.retry.configs.default.wait-duration=1s",
        "resilience.retry.configs.slow.wait-duration=5s",
        "resilience.retry.configs.slow.backoff-multiplier=2",
        "resilience.retry.instances.payments.base-config=slow",
        "resilience.retry.instances[InventoryClient.fetch].max-wait-duration=10s" })
@ResilienceTest(zeroRetryWaits = true, chaosSeed = 42)
class ZeroRetryWaitsTest {

    @DynamicPropertySource
    static void late(DynamicPropertyRegistry registry) {
        registry.add("resilience.retry.instances.dynamic.wait-duration", () -> "3s");
    }

    @Autowired
    ConfigurableEnvironment environment;

    @Autowired
    ManualClock clock;

    @Autowired
    Inventory inventory;

    @Test
    void everyNamedLevelWaitsZero() {
        Binder binder = Binder.get(environment);
        for (String level : new String[] { "configs.default", "configs.slow", "instances.payments",
                "instances[InventoryClient.fetch]", "instances.dynamic" }) {
            assertThat(binder.bind("resilience.retry." + level + ".wait-duration", Duration.class).get())
                    .as(level).isZero();
            assertThat(binder.bind("resilience.retry." + level + ".max-wait-duration", Duration.class).get())
                    .as(level).isZero();
        }
        assertThat(environment.getProperty("resilience.retry.configs.slow.backoff-multiplier")).isEqualTo("2");
        assertThat(environment.getProperty("resilience.retry.instances.payments.base-config")).isEqualTo("slow");
    }

    @Test
    void aContextWithoutChaosIsSeededQuietlyAndStillHasItsManualClock() throws Throwable {
        inventory.down.set(true);
        try {
            assertThat(inventory.fetch()).isEqualTo("cached");
        } finally {
            inventory.down.set(false);
        }
        // The hand-made application builds its retry config itself, ignoring the properties: its wait stands.
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(300));
    }
}

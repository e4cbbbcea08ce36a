package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.chaos.InjectedFaultException;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.test.ManualClock;

/**
 * {@code resilience.chaos.*}: bound through the same inheritance as every policy, validated at start-up naming
 * the property, into a {@link ChaosRegistry} bean; {@code enabled} decides whether any call gets an instance.
 */
class ChaosPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withBean(ManualClock.class, ManualClock::new);

    @Test
    void instancesInheritFromTheirBaseConfigAndDefaultAndTheBuiltInDefaults() {
        runner.withPropertyValues("resilience.chaos.configs.default.latency=150ms",
                "resilience.chaos.configs.flaky.fault-rate=0.25",
                "resilience.chaos.configs.flaky.exception=java.io.IOException",
                "resilience.chaos.instances.inventory.base-config=flaky",
                "resilience.chaos.instances.inventory.latency-rate=0.5",
                "resilience.chaos.instances.pricing.status=503",
                "resilience.chaos.instances.pricing.enabled=false").run(context -> {
                    ChaosRegistry registry = context.getBean(ChaosRegistry.class);
                    ChaosConfig inventory = registry.instanceConfig("inventory");
                    assertThat(inventory.enabled()).isTrue();
                    assertThat(inventory.faultRate()).isEqualTo(0.25);
                    assertThat(inventory.exception()).isEqualTo(IOException.class);
                    assertThat(inventory.latency()).isEqualTo(Duration.ofMillis(150));
                    assertThat(inventory.latencyRate()).isEqualTo(0.5);
                    assertThat(inventory.status()).isZero();

                    ChaosConfig pricing = registry.instanceConfig("pricing");
                    assertThat(pricing.enabled()).isFalse();
                    assertThat(pricing.faultRate()).isZero();
                    assertThat(pricing.exception()).isEqualTo(InjectedFaultException.class);
                    assertThat(pricing.latency()).isEqualTo(Duration.ofMillis(150));
                    assertThat(pricing.status()).isEqualTo(503);
                });
    }

    @Test
    void chaosIsOffByDefaultAndThenNoCallGetsAnInstanceWhateverTheInstancesSay() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.fault-rate=1").run(context -> {
            assertThat(context.getBean(ResilienceProperties.class).getChaos().isEnabled()).isFalse();
            assertThat(context.getBean(MethodPipelineFactory.class).chaos().isEmpty()).isTrue();
            assertThat(context.getBean(ChaosRegistry.class).names()).as("nothing built").isEmpty();
        });
    }

    @Test
    void enabledBuildsTheNamedInstancesAtStartUpAndOnlyThose() {
        runner.withPropertyValues("resilience.chaos.enabled=true",
                "resilience.chaos.configs.default.fault-rate=0.5",
                "resilience.chaos.instances.inventory.latency=1s",
                "resilience.chaos.instances.pricing.enabled=false").run(context -> {
                    ChaosRegistry registry = context.getBean(ChaosRegistry.class);
                    assertThat(registry.names()).containsExactly("inventory", "pricing");
                    MethodPipelineFactory factory = context.getBean(MethodPipelineFactory.class);
                    assertThat(factory.chaos().names()).containsExactlyInAnyOrder("inventory", "pricing");
                    assertThat(factory.chaos().instance("inventory")).isSameAs(registry.instance("inventory"));
                    assertThat(factory.chaos().instance("orders")).as("no instance configured").isNull();
                    assertThat(registry.instance("pricing").config().enabled()).isFalse();
                });
    }

    @Test
    void theApplicationsChaosRandomBeanIsWhereEveryInstanceDraws() {
        runner.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.inventory.fault-rate=0.5")
                .withBean(ChaosRandom.class, () -> () -> 0.49).run(context -> {
                    Chaos inventory = context.getBean(ChaosRegistry.class).instance("inventory");
                    for (int i = 0; i < 10; i++) {
                        assertThat(inventory.injectFault()).as("0.49 < 0.5: every call fails").isTrue();
                    }
                    assertThat(inventory.injectedFaults()).isEqualTo(10);
                });
    }

    @Test
    void anApplicationsOwnRegistryReplacesOurs() {
        ChaosRegistry own = new ChaosRegistry(new ManualClock(), ChaosRandom.seeded(7));
        runner.withBean(ChaosRegistry.class, () -> own).run(context ->
                assertThat(context.getBean(ChaosRegistry.class)).isSameAs(own));
    }

    @Test
    void anExceptionClassThatDoesNotExistStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.exception=com.example.NoSuchException")
                .run(failsAt("resilience.chaos.instances.inventory.exception", "names class "
                        + "'com.example.NoSuchException', which was not found; "
                        + "expected the fully qualified name of an exception type"));
    }

    @Test
    void aClassThatIsNotThrowableStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.configs.default.exception=java.lang.String")
                .run(failsAt("resilience.chaos.configs.default.exception", "names java.lang.String, which is not a "
                        + "Throwable; expected the fully qualified name of an exception type"));
    }

    @Test
    void anExceptionWithoutAUsableConstructorStopsStartUp() {
        // UncheckedIOException takes (String, IOException) or (IOException): nothing to make it with.
        runner.withPropertyValues("resilience.chaos.instances.inventory.exception="
                + UncheckedIOException.class.getName())
                .run(failsAt("resilience.chaos.instances.inventory.exception", "must be an exception class with a "
                        + "public constructor taking a String, or none, but was 'java.io.UncheckedIOException'"));
    }

    @Test
    void anExceptionWithAConstructorTakingNothingIsFine() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.exception=" + TimeoutException.class.getName(),
                "resilience.chaos.instances.other.exception=" + NoMessage.class.getName()).run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(ChaosRegistry.class).instanceConfig("other").exception())
                            .isEqualTo(NoMessage.class);
                });
    }

    @Test
    void aRateOutsideZeroToOneStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.fault-rate=1.5")
                .run(failsAt("resilience.chaos.instances.inventory.fault-rate",
                        "must be a share from 0 to 1, but was 1.5"));
        runner.withPropertyValues("resilience.chaos.configs.slow.latency-rate=-0.1")
                .run(failsAt("resilience.chaos.configs.slow.latency-rate",
                        "must be a share from 0 to 1, but was -0.1"));
    }

    @Test
    void aNegativeLatencyStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.latency=-5ms")
                .run(failsAt("resilience.chaos.instances.inventory.latency",
                        "must not be negative, but was PT-0.005S"));
    }

    @Test
    void aStatusOutside100To599StopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.status=600")
                .run(failsAt("resilience.chaos.instances.inventory.status",
                        "must be an HTTP status from 100 to 599, or 0 for none, but was 600"));
    }

    @Test
    void anUnknownKeyStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.failure-rate=0.5")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void anUnknownBaseConfigStopsStartUp() {
        runner.withPropertyValues("resilience.chaos.instances.inventory.base-config=nope")
                .run(failsAt("resilience.chaos.instances.inventory.base-config",
                        "must be one of the defined configs [default], but was 'nope'"));
    }

    /** A Throwable made without a message. */
    public static class NoMessage extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static ContextConsumer<AssertableApplicationContext> failsAt(String property, String problem) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(property + " " + problem);
        };
    }
}

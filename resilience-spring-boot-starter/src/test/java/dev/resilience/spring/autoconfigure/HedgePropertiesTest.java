package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Hedge;
import dev.resilience.core.hedge.HedgeConfig;
import dev.resilience.core.hedge.HedgeDelay;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.test.ManualClock;
import reactor.core.publisher.Flux;

/** {@code resilience.hedge.*}: bound, inherited, validated at start-up naming the property and what it expects. */
class HedgePropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withBean(ManualClock.class, ManualClock::new);

    /** Accepts non-empty results only. */
    public static class NotEmpty implements Predicate<Object> {
        @Override
        public boolean test(Object result) {
            return result != null && !"".equals(result);
        }
    }

    @Test
    void settingsAreBoundAndInherited() {
        runner.withPropertyValues("resilience.hedge.configs.default.delay-fallback=300ms",
                "resilience.hedge.configs.slow.delay=2s",
                "resilience.hedge.instances.orders.base-config=slow",
                "resilience.hedge.instances.orders.max-hedges=2",
                "resilience.hedge.instances.stock.delay=p99.9",
                "resilience.hedge.instances.stock.cancel-on-result=" + NotEmpty.class.getName()).run(context -> {
                    HedgeRegistry hedges = context.getBean(HedgeRegistry.class);
                    HedgeConfig orders = hedges.instance("orders").config();
                    assertThat(orders.maxHedges()).isEqualTo(2);
                    assertThat(orders.delay()).isEqualTo(HedgeDelay.of(Duration.ofSeconds(2)));
                    assertThat(orders.delayFallback()).isEqualTo(Duration.ofMillis(300));
                    HedgeConfig stock = hedges.instance("stock").config();
                    assertThat(stock.delay()).isEqualTo(HedgeDelay.percentile(99.9));
                    assertThat(stock.cancelOnResult()).isInstanceOf(NotEmpty.class);
                    assertThat(stock.executor()).as("the application's executor, given by the registry")
                            .isNotNull();
                    assertThat(hedges.instance("unnamed").config().delay()).isEqualTo(HedgeDelay.percentile(95));
                });
    }

    @Test
    void badDelaysStopStartUpNamingThePropertyAndWhatIsExpected() {
        for (String bad : new String[] {"p101", "-5ms", "fast"}) {
            runner.withPropertyValues("resilience.hedge.instances.orders.delay=" + bad)
                    .run(failsWith("resilience.hedge.instances.orders.delay must be a duration greater than 0 "
                            + "(e.g. 100ms, 2s) or a percentile of recent latency between p0 and p100, both "
                            + "excluded (e.g. p95, p99.9), but was '" + bad + "'"));
        }
    }

    @Test
    void otherBadSettingsStopStartUpNamingTheProperty() {
        runner.withPropertyValues("resilience.hedge.configs.default.max-hedges=0")
                .run(failsWith("resilience.hedge.configs.default.max-hedges must be at least 1, but was 0"));
        runner.withPropertyValues("resilience.hedge.instances.orders.cancel-on-result=com.example.Missing")
                .run(failsWith("resilience.hedge.instances.orders.cancel-on-result must name a class implementing "
                        + "java.util.function.Predicate, but 'com.example.Missing' was not found"));
        runner.withPropertyValues("resilience.hedge.instances.orders.cancel-on-result=java.lang.String")
                .run(failsWith("resilience.hedge.instances.orders.cancel-on-result must name a class implementing "
                        + "java.util.function.Predicate, but java.lang.String does not implement it"));
    }

    static class SyncHedged {
        @Hedge
        public String call() {
            return "ok";
        }
    }

    @Configuration
    static class SyncHedgedConfig {
        @Bean
        SyncHedged syncHedged() {
            return new SyncHedged();
        }
    }

    @Test
    void aSynchronousHedgedMethodWithoutAnExecutorStopsStartUp() {
        // No task-execution auto-configuration here: the application has no executor for extra attempts.
        runner.withUserConfiguration(SyncHedgedConfig.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(
                    "@Hedge on " + SyncHedged.class.getName() + ".call() needs an executor for its extra attempts, "
                            + "and the application has none: define a bean named 'resilienceAsyncExecutor' or an "
                            + "AsyncTaskExecutor");
        });
        runner.withUserConfiguration(SyncHedgedConfig.class)
                .withConfiguration(AutoConfigurations.of(
                        org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed());
    }

    static class FluxHedged {
        @Hedge
        public Flux<String> stream() {
            return Flux.just("a");
        }
    }

    @Configuration
    static class FluxHedgedConfig {
        @Bean
        FluxHedged fluxHedged() {
            return new FluxHedged();
        }
    }

    @Test
    void aHedgedFluxStopsStartUp() {
        runner.withUserConfiguration(FluxHedgedConfig.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("@Hedge on "
                    + FluxHedged.class.getName() + ".stream() cannot be used: it returns reactor.core.publisher.Flux");
        });
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String message) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(message);
        };
    }
}

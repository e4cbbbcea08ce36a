package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.test.ManualClock;

/** {@code max-wait-duration-in-half-open-state}: bound from yml, inherited, validated, and in effect. */
class HalfOpenMaxWaitPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void bindsFromDefaultConfigAndInstancesAndIsZeroWhenUnset() {
        runner.withPropertyValues(
                "resilience.circuitbreaker.configs.default.max-wait-duration-in-half-open-state=20s",
                "resilience.circuitbreaker.configs.unlimited.max-wait-duration-in-half-open-state=0",
                "resilience.circuitbreaker.instances.inventory.max-wait-duration-in-half-open-state=1500ms",
                "resilience.circuitbreaker.instances.search.base-config=unlimited")
                .run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    assertThat(registry.instance("inventory").config().maxWaitDurationInHalfOpenState())
                            .as("own").isEqualTo(Duration.ofMillis(1500));
                    assertThat(registry.instance("orders").config().maxWaitDurationInHalfOpenState())
                            .as("from default").isEqualTo(Duration.ofSeconds(20));
                    assertThat(registry.instance("search").config().maxWaitDurationInHalfOpenState())
                            .as("from unlimited").isEqualTo(Duration.ZERO);
                });
        runner.run(context -> assertThat(context.getBean(CircuitBreakerRegistry.class).instance("orders").config()
                .maxWaitDurationInHalfOpenState()).as("built-in").isEqualTo(Duration.ZERO));
    }

    @Test
    void negativeValueStopsStartUp() {
        runner.withPropertyValues(
                "resilience.circuitbreaker.instances.backend.max-wait-duration-in-half-open-state=-1s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidResilienceConfigException.class)
                            .hasMessage("resilience.circuitbreaker.instances.backend."
                                    + "max-wait-duration-in-half-open-state must not be negative, but was PT-1S");
                });
    }

    @Test
    void halfOpenBreakerOpensAgainWhenTheBoundMaxWaitEnds() {
        runner.withUserConfiguration(ManualClockConfig.class).withPropertyValues(
                "resilience.circuitbreaker.instances.backend.max-wait-duration-in-half-open-state=3s")
                .run(context -> {
                    ManualClock clock = context.getBean(ManualClock.class);
                    CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("backend");
                    breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);

                    clock.advance(Duration.ofMillis(2999));
                    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
                    clock.advance(Duration.ofMillis(1));
                    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class ManualClockConfig {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }
    }
}

package dev.resilience.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.test.ManualClock;

class CircuitBreakerRegistryTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);

    @Test
    void buildsEachNamedBreakerOnceWithTheDefaults() {
        CircuitBreaker first = registry.instance("inventory");

        assertThat(registry.instance("inventory")).isSameAs(first);
        assertThat(first.name()).isEqualTo("inventory");
        assertThat(first.config()).isSameAs(CircuitBreakerConfig.ofDefaults());
        assertThat(first.clock()).isSameAs(clock);
    }

    @Test
    void instanceOverridesDeriveFromASharedConfig() {
        registry.configureDefault(base -> CircuitBreakerConfig.from(base).failureRateThreshold(30).build());
        registry.addConfig("backend", "default",
                base -> CircuitBreakerConfig.from(base).slidingWindowSize(50).build());
        registry.configureInstance("inventory", "backend",
                base -> CircuitBreakerConfig.from(base).waitDurationInOpenState(Duration.ofSeconds(5)).build());

        CircuitBreakerConfig config = registry.instance("inventory").config();

        assertThat(config.failureRateThreshold()).isEqualTo(30f);
        assertThat(config.slidingWindowSize()).isEqualTo(50);
        assertThat(config.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(5));
        assertThat(registry.instance("payments").config().slidingWindowSize()).isEqualTo(100);
    }

    @Test
    void breakersFromTheRegistryRunOnItsClock() {
        registry.configureDefault(base -> CircuitBreakerConfig.from(base).slidingWindowSize(1)
                .minimumNumberOfCalls(1).build());
        CircuitBreaker breaker = registry.instance("inventory");
        breaker.acquirePermit().onError(0, new IllegalStateException("down"));

        clock.advance(Duration.ofSeconds(30));

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }
}

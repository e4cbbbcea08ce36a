package dev.resilience.core.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.test.ManualClock;

/** The composition's cross-policy rules follow a retry whose settings change at run time. */
class ReconfiguredCompositionTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void retryThatComesToNameTheOpenBreakerRejectionRetriesIt() {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.ofDefaults(), clock);
        breaker.transitionTo(CircuitBreaker.State.FORCED_OPEN);
        Retry retry = Retry.of("inventory", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).build(),
                clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker).build();

        assertThatThrownBy(() -> pipeline.execute(() -> "never")).isInstanceOf(CircuitBreakerOpenException.class);
        assertThat(breaker.notPermittedCalls()).isEqualTo(1);

        retry.reconfigure(RetryConfig.from(retry.config()).retryExceptions(CircuitBreakerOpenException.class).build());

        assertThatThrownBy(() -> pipeline.execute(() -> "never")).isInstanceOf(CircuitBreakerOpenException.class);
        assertThat(breaker.notPermittedCalls()).isEqualTo(4);
    }
}

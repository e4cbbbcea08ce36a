package dev.resilience.spring.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.test.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The breaker's rate gauges report NaN, not the breaker's -1, until the breaker has its minimum number of calls,
 * so that no monitoring system takes "not computed yet" for a rate; then the rates in percent. (The actuator
 * endpoint keeps -1 in its JSON, where NaN cannot be written.)
 */
class CircuitBreakerRateGaugesTest {

    @Test
    void ratesAreNanBelowTheMinimumNumberOfCallsThenPercentages() throws Throwable {
        ManualClock clock = new ManualClock();
        CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(clock);
        breakers.addConfig("default", CircuitBreakerConfig.builder().minimumNumberOfCalls(2).slidingWindowSize(10)
                .failureRateThreshold(90).build());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new ResilienceMeterBinder(breakers, new RetryRegistry(clock), null, new TimeoutRegistry(clock),
                new BulkheadRegistry(clock), List.of()).bindTo(meters);
        CircuitBreaker breaker = breakers.instance("backend");
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).build();

        assertThat(breaker.snapshot().failureRate()).as("the breaker's own figure").isEqualTo(-1f);
        assertThat(failureRate(meters)).isNaN();
        assertThat(slowCallRate(meters)).isNaN();

        pipeline.execute(() -> "ok");
        assertThat(failureRate(meters)).as("one call of two").isNaN();

        try {
            pipeline.execute(() -> {
                throw new IOException("down");
            });
        } catch (IOException expected) {
            // counted by the breaker
        }
        assertThat(failureRate(meters)).isEqualTo(50.0);
        assertThat(slowCallRate(meters)).isEqualTo(0.0);
    }

    @Test
    void theGaugesSayNanInTheirDescription() {
        CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(new ManualClock());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new ResilienceMeterBinder(breakers, new RetryRegistry(), new TimeoutRegistry(), new BulkheadRegistry())
                .bindTo(meters);
        breakers.instance("backend");

        assertThat(meters.get("resilience.circuitbreaker.failure.rate").gauge().getId().getDescription())
                .contains("NaN below the minimum number of calls");
        assertThat(meters.get("resilience.circuitbreaker.slow.call.rate").gauge().getId().getDescription())
                .contains("NaN below the minimum number of calls");
    }

    private static double failureRate(SimpleMeterRegistry meters) {
        return meters.get("resilience.circuitbreaker.failure.rate").tag("name", "backend").gauge().value();
    }

    private static double slowCallRate(SimpleMeterRegistry meters) {
        return meters.get("resilience.circuitbreaker.slow.call.rate").tag("name", "backend").gauge().value();
    }
}

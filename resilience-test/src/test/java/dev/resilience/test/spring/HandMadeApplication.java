package dev.resilience.test.spring;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.spi.Clock;

/**
 * An application that wires the core by hand, without the starter: the kit finds its registries by type and
 * replaces its clock all the same.
 */
@Configuration(proxyBeanMethods = false)
class HandMadeApplication {

    /** The application's own clock: the kit's ManualClock (primary) is injected instead. */
    @Bean
    Clock applicationClock() {
        return Clock.system();
    }

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(Clock clock) {
        CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);
        registry.configureDefault(base -> CircuitBreakerConfig.from(base).slidingWindowSize(4).minimumNumberOfCalls(4)
                .failureRateThreshold(50).waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedCallsInHalfOpenState(2).build());
        return registry;
    }

    @Bean
    RetryRegistry retryRegistry(Clock clock) {
        RetryRegistry registry = new RetryRegistry(clock);
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(2).waitDuration(Duration.ofMillis(300))
                .build());
        return registry;
    }

    @Bean
    Inventory inventory(CircuitBreakerRegistry breakers, RetryRegistry retries, Clock clock) {
        return new Inventory(ResiliencePipeline.builder().retry(retries.instance("inventory"))
                .circuitBreaker(breakers.instance("inventory"))
                .fallback(Fallback.of("inventory", failure -> "cached")).clock(clock).build());
    }

    /** Fetches through retry, breaker and fallback; {@link #down} makes the downstream fail. */
    static class Inventory {

        private final ResiliencePipeline pipeline;
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger attempts = new AtomicInteger();

        Inventory(ResiliencePipeline pipeline) {
            this.pipeline = pipeline;
        }

        String fetch() throws Throwable {
            return pipeline.execute(() -> {
                attempts.incrementAndGet();
                if (down.get()) {
                    throw new IOException("inventory down");
                }
                return "fresh";
            });
        }
    }
}

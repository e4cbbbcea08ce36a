package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Retry;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.circuitbreaker.SlidingWindowType;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;

/**
 * yml precedence: instance &gt; its base config &gt; {@code default} &gt; built-in defaults; a name that is not
 * configured gets {@code default}.
 */
class PropertyPrecedenceTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void retrySettingsComeFromInstanceThenBaseConfigThenDefaultThenBuiltIns() {
        runner.withPropertyValues(
                "resilience.retry.configs.default.max-attempts=4",
                "resilience.retry.configs.default.wait-duration=100ms",
                "resilience.retry.configs.shared.wait-duration=200ms",
                "resilience.retry.configs.shared.jitter=0.25",
                "resilience.retry.configs.shared.retry-exceptions=java.io.IOException",
                "resilience.retry.instances.inherits.base-config=shared",
                "resilience.retry.instances.inherits.max-duration=5s",
                "resilience.retry.instances.overrides.base-config=shared",
                "resilience.retry.instances.overrides.wait-duration=300ms",
                "resilience.retry.instances.overrides.retry-exceptions=java.util.concurrent.TimeoutException",
                "resilience.retry.instances.plain.backoff-multiplier=2")
                .run(context -> {
                    RetryRegistry registry = context.getBean(RetryRegistry.class);
                    RetryConfig builtIn = RetryConfig.ofDefaults();

                    RetryConfig inherits = registry.instance("inherits").config();
                    assertThat(inherits.maxAttempts()).as("from default").isEqualTo(4);
                    assertThat(inherits.waitDuration()).as("from shared").isEqualTo(Duration.ofMillis(200));
                    assertThat(inherits.jitter()).as("from shared").isEqualTo(0.25);
                    assertThat(inherits.retryExceptions()).as("from shared").containsExactly(IOException.class);
                    assertThat(inherits.maxDuration()).as("own").isEqualTo(Duration.ofSeconds(5));
                    assertThat(inherits.maxWaitDuration()).as("built-in").isEqualTo(builtIn.maxWaitDuration());

                    RetryConfig overrides = registry.instance("overrides").config();
                    assertThat(overrides.waitDuration()).as("own wins over shared").isEqualTo(Duration.ofMillis(300));
                    assertThat(overrides.retryExceptions()).as("own list replaces shared list")
                            .containsExactly(TimeoutException.class);
                    assertThat(overrides.jitter()).as("from shared").isEqualTo(0.25);
                    assertThat(overrides.maxAttempts()).as("from default").isEqualTo(4);

                    RetryConfig plain = registry.instance("plain").config();
                    assertThat(plain.backoffMultiplier()).as("own").isEqualTo(2.0);
                    assertThat(plain.waitDuration()).as("from default, not shared").isEqualTo(Duration.ofMillis(100));
                    assertThat(plain.jitter()).as("built-in, not shared").isEqualTo(builtIn.jitter());

                    RetryConfig unconfigured = registry.instance("not-in-yml").config();
                    assertThat(unconfigured.maxAttempts()).as("from default").isEqualTo(4);
                    assertThat(unconfigured.waitDuration()).as("from default").isEqualTo(Duration.ofMillis(100));
                    assertThat(unconfigured.retryExceptions()).as("built-in").isEmpty();
                });
    }

    @Test
    void circuitBreakerSettingsInheritThroughAChainOfSharedConfigs() {
        runner.withPropertyValues(
                "resilience.circuitbreaker.configs.default.failure-rate-threshold=30",
                "resilience.circuitbreaker.configs.default.record-exceptions=java.io.IOException",
                "resilience.circuitbreaker.configs.backends.sliding-window-type=time-based",
                "resilience.circuitbreaker.configs.backends.sliding-window-size=20",
                "resilience.circuitbreaker.configs.slow-backends.base-config=backends",
                "resilience.circuitbreaker.configs.slow-backends.slow-call-duration-threshold=2s",
                "resilience.circuitbreaker.instances.inventory.base-config=slow-backends",
                "resilience.circuitbreaker.instances.inventory.wait-duration-in-open-state=5s",
                "resilience.circuitbreaker.instances.inventory.ignore-exceptions=java.net.SocketTimeoutException",
                "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=50",
                "resilience.circuitbreaker.instances.inventory.permitted-calls-in-half-open-state=2",
                "resilience.circuitbreaker.instances.inventory.slow-call-rate-threshold=80")
                .run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    CircuitBreakerConfig inventory = registry.instance("inventory").config();
                    assertThat(inventory.failureRateThreshold()).as("from default").isEqualTo(30f);
                    assertThat(inventory.recordExceptions()).as("from default").containsExactly(IOException.class);
                    assertThat(inventory.slidingWindowType()).as("from backends")
                            .isEqualTo(SlidingWindowType.TIME_BASED);
                    assertThat(inventory.slidingWindowSize()).as("from backends").isEqualTo(20);
                    assertThat(inventory.slowCallDurationThreshold()).as("from slow-backends")
                            .isEqualTo(Duration.ofSeconds(2));
                    assertThat(inventory.waitDurationInOpenState()).as("own").isEqualTo(Duration.ofSeconds(5));
                    assertThat(inventory.ignoreExceptions()).as("own").containsExactly(SocketTimeoutException.class);
                    // A time-based window may ask for more calls than it has seconds.
                    assertThat(inventory.minimumNumberOfCalls()).as("own").isEqualTo(50);
                    assertThat(inventory.permittedCallsInHalfOpenState()).as("own").isEqualTo(2);
                    assertThat(inventory.slowCallRateThreshold()).as("own").isEqualTo(80f);

                    assertThat(registry.config("backends").slowCallDurationThreshold())
                            .as("a base does not see what derives from it")
                            .isEqualTo(CircuitBreakerConfig.ofDefaults().slowCallDurationThreshold());

                    CircuitBreakerConfig unconfigured = registry.instance("unconfigured").config();
                    assertThat(unconfigured.failureRateThreshold()).isEqualTo(30f);
                    assertThat(unconfigured.slidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
                });
    }

    @Test
    void timeoutAndBulkheadSettingsFollowTheSamePrecedence() {
        runner.withPropertyValues(
                "resilience.timeout.configs.default.duration=2s",
                "resilience.timeout.configs.fast.duration=100ms",
                "resilience.timeout.instances.search.base-config=fast",
                "resilience.timeout.instances.report.duration=10s",
                "resilience.bulkhead.configs.default.max-concurrent-calls=5",
                "resilience.bulkhead.configs.default.max-wait-duration=50ms",
                "resilience.bulkhead.instances.uploads.max-concurrent-calls=2")
                .run(context -> {
                    TimeoutRegistry timeouts = context.getBean(TimeoutRegistry.class);
                    assertThat(timeouts.instance("search").config().duration()).isEqualTo(Duration.ofMillis(100));
                    assertThat(timeouts.instance("report").config().duration()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(timeouts.instance("other").config().duration()).isEqualTo(Duration.ofSeconds(2));

                    BulkheadRegistry bulkheads = context.getBean(BulkheadRegistry.class);
                    BulkheadConfig uploads = bulkheads.instance("uploads").config();
                    assertThat(uploads.maxConcurrentCalls()).isEqualTo(2);
                    assertThat(uploads.maxWaitDuration()).as("from default").isEqualTo(Duration.ofMillis(50));
                    assertThat(bulkheads.instance("other").config().maxConcurrentCalls()).isEqualTo(5);
                });
    }

    @Test
    void annotationNamingAnInstanceThatIsNotConfiguredUsesDefault() {
        runner.withBean(Annotated.class).withPropertyValues(
                "resilience.retry.configs.default.max-attempts=4",
                "resilience.retry.configs.default.wait-duration=0ms",
                "resilience.retry.instances.other.max-attempts=2")
                .run(context -> {
                    Annotated bean = context.getBean(Annotated.class);
                    assertThatThrownBy(bean::notConfigured).isInstanceOf(IllegalStateException.class);
                    assertThat(bean.calls("notConfigured")).isEqualTo(4);
                });
    }

    @Test
    void instanceWithTheDefaultNameCanBeConfiguredWithBrackets() {
        runner.withBean(Annotated.class).withPropertyValues(
                "resilience.retry.configs.default.wait-duration=0ms",
                "resilience.retry.instances.[Annotated.defaultNamed].max-attempts=5")
                .run(context -> {
                    assertThat(context.getBean(RetryRegistry.class).instance("Annotated.defaultNamed").config()
                            .maxAttempts()).isEqualTo(5);
                    Annotated bean = context.getBean(Annotated.class);
                    assertThatThrownBy(bean::defaultNamed).isInstanceOf(IllegalStateException.class);
                    assertThat(bean.calls("defaultNamed")).isEqualTo(5);
                });
    }

    @Test
    void withoutAnyPropertiesEveryInstanceGetsTheBuiltInDefaults() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            RetryConfig retry = context.getBean(RetryRegistry.class).instance("any").config();
            RetryConfig builtIn = RetryConfig.ofDefaults();
            assertThat(List.of(retry.maxAttempts(), retry.waitDuration(), retry.maxWaitDuration()))
                    .isEqualTo(List.of(builtIn.maxAttempts(), builtIn.waitDuration(), builtIn.maxWaitDuration()));
            assertThat(context.getBean(TimeoutRegistry.class).instance("any").config().duration())
                    .isEqualTo(Duration.ofSeconds(1));
            assertThat(context.getBean(BulkheadRegistry.class).instance("any").config().maxConcurrentCalls())
                    .isEqualTo(BulkheadConfig.ofDefaults().maxConcurrentCalls());
        });
    }

    static class Annotated {
        private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

        public int calls(String method) {
            return calls.getOrDefault(method, new AtomicInteger()).get();
        }

        private void count(String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        @Retry(name = "not-configured")
        public void notConfigured() {
            count("notConfigured");
            throw new IllegalStateException("failed");
        }

        @Retry
        public void defaultNamed() {
            count("defaultNamed");
            throw new IllegalStateException("failed");
        }
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.test.ManualClock;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker.State;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/** Each annotation on its own, with time driven by a {@link ManualClock} bean. */
class SinglePolicyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.retry.configs.default.wait-duration=0ms",
                    "resilience.retry.instances.backoff.wait-duration=200ms",
                    "resilience.retry.instances.backoff.backoff-multiplier=2",
                    "resilience.retry.instances.only-io.retry-exceptions=java.io.IOException",
                    "resilience.circuitbreaker.instances.backend.sliding-window-size=4",
                    "resilience.circuitbreaker.instances.backend.minimum-number-of-calls=4",
                    "resilience.circuitbreaker.instances.backend.failure-rate-threshold=50",
                    "resilience.circuitbreaker.instances.backend.wait-duration-in-open-state=10s",
                    "resilience.circuitbreaker.instances.backend.permitted-calls-in-half-open-state=1",
                    "resilience.bulkhead.instances.single.max-concurrent-calls=1");

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void retryRepeatsFailedAttemptsUntilOneSucceeds() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            assertThat(backend.succeedsOnThirdAttempt()).isEqualTo("ok on attempt 3");
            assertThat(backend.calls("succeedsOnThirdAttempt")).isEqualTo(3);
            assertThat(context.getBean(RetryRegistry.class).instance("flaky").successfulWithRetry()).isEqualTo(1);
        });
    }

    @Test
    void retryGivesUpAfterMaxAttemptsWithTheLastCheckedExceptionUnchanged() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            assertThatThrownBy(backend::alwaysFails).isExactlyInstanceOf(IOException.class)
                    .hasMessage("attempt 3 failed").hasNoCause();
            assertThat(backend.calls("alwaysFails")).isEqualTo(3);
        });
    }

    @Test
    void retryWaitsWithBackoffOnTheClock() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            assertThatThrownBy(backend::backsOff).isInstanceOf(IllegalStateException.class);
            assertThat(backend.calls("backsOff")).isEqualTo(3);
            assertThat(context.getBean(ManualClock.class).slept()).isEqualTo(Duration.ofMillis(200 + 400));
        });
    }

    @Test
    void retryLeavesFailuresOutsideRetryExceptionsAlone() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            assertThatThrownBy(backend::failsWithIllegalArgument).isInstanceOf(IllegalArgumentException.class);
            assertThat(backend.calls("failsWithIllegalArgument")).isEqualTo(1);
        });
    }

    @Test
    void emptyNameMeansSimpleClassNameDotMethodName() {
        runner.run(context -> {
            assertThat(context.getBean(RetryRegistry.class).find("Backend.defaultNamed")).isPresent();
            assertThat(context.getBean(Backend.class).defaultNamed()).isEqualTo("ok");
        });
    }

    @Test
    void circuitBreakerOpensAfterFailuresThenRejectsWithoutCallingTheMethod() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            dev.resilience.core.circuitbreaker.CircuitBreaker breaker = breaker(context);
            for (int i = 1; i <= 4; i++) {
                assertThatThrownBy(() -> backend.guarded(true)).isExactlyInstanceOf(IOException.class)
                        .hasMessage("guarded call " + backend.calls("guarded") + " failed");
            }
            assertThat(breaker.state()).isEqualTo(State.OPEN);

            CircuitBreakerOpenException rejected = catchThrowableOfType(CircuitBreakerOpenException.class,
                    () -> backend.guarded(false));
            assertThat(rejected.circuitBreakerName()).isEqualTo("backend");
            assertThat(rejected.state()).isEqualTo(State.OPEN);
            assertThat(backend.calls("guarded")).as("the open breaker did not call the method").isEqualTo(4);
            assertThat(breaker.notPermittedCalls()).isEqualTo(1);
        });
    }

    @Test
    void circuitBreakerLetsATrialCallThroughAfterItsWaitAndClosesOnSuccess() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            dev.resilience.core.circuitbreaker.CircuitBreaker breaker = breaker(context);
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> backend.guarded(true)).isInstanceOf(IOException.class);
            }
            ManualClock clock = context.getBean(ManualClock.class);
            clock.advance(Duration.ofSeconds(9));
            assertThatThrownBy(() -> backend.guarded(false)).isInstanceOf(CircuitBreakerOpenException.class);

            clock.advance(Duration.ofSeconds(1));
            assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
            assertThat(backend.guarded(false)).isEqualTo("guarded ok");
            assertThat(breaker.state()).isEqualTo(State.CLOSED);
            assertThat(backend.calls("guarded")).isEqualTo(5);
        });
    }

    @Test
    void bulkheadRejectsACallWhileItIsFull() {
        runner.run(context -> {
            Backend backend = context.getBean(Backend.class);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<String> occupying = executor.submit(() -> backend.occupy(entered, release));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            dev.resilience.core.bulkhead.Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("single");
            assertThat(bulkhead.inFlightCalls()).singleElement()
                    .satisfies(call -> assertThat(call.call()).isEqualTo("Backend.occupy"));
            BulkheadFullException rejected = catchThrowableOfType(BulkheadFullException.class,
                    () -> backend.occupy(new CountDownLatch(1), new CountDownLatch(0)));
            assertThat(rejected.bulkheadName()).isEqualTo("single");
            assertThat(backend.calls("occupy")).as("the rejected call did not enter the method").isEqualTo(1);

            release.countDown();
            assertThat(occupying.get(5, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(backend.occupy(new CountDownLatch(1), new CountDownLatch(0))).as("a permit is free again")
                    .isEqualTo("done");
            assertThat(bulkhead.activeCalls()).isZero();
            assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        });
    }

    private static dev.resilience.core.circuitbreaker.CircuitBreaker breaker(AssertableApplicationContext context) {
        return context.getBean(CircuitBreakerRegistry.class).find("backend").orElseThrow();
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        Backend backend() {
            return new Backend();
        }
    }

    static class Backend {
        private final CallCounter counter = new CallCounter();

        public int calls(String method) {
            return counter.get(method);
        }

        @Retry(name = "flaky")
        public String succeedsOnThirdAttempt() {
            int attempt = counter.increment("succeedsOnThirdAttempt");
            if (attempt < 3) {
                throw new IllegalStateException("attempt " + attempt + " failed");
            }
            return "ok on attempt " + attempt;
        }

        @Retry(name = "flaky")
        public String alwaysFails() throws IOException {
            throw new IOException("attempt " + counter.increment("alwaysFails") + " failed");
        }

        @Retry(name = "backoff")
        public String backsOff() {
            throw new IllegalStateException("attempt " + counter.increment("backsOff") + " failed");
        }

        @Retry(name = "only-io")
        public String failsWithIllegalArgument() {
            counter.increment("failsWithIllegalArgument");
            throw new IllegalArgumentException("not retried");
        }

        @Retry
        public String defaultNamed() {
            return "ok";
        }

        @CircuitBreaker(name = "backend")
        public String guarded(boolean fail) throws IOException {
            int call = counter.increment("guarded");
            if (fail) {
                throw new IOException("guarded call " + call + " failed");
            }
            return "guarded ok";
        }

        @Bulkhead(name = "single")
        public String occupy(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
            counter.increment("occupy");
            entered.countDown();
            if (!release.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return "done";
        }
    }
}

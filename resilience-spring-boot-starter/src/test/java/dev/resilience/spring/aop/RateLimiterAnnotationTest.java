package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.test.ManualClock;

/**
 * {@code @RateLimiter} on synchronous and {@code CompletableFuture} methods, with time driven by a
 * {@link ManualClock} bean: exact permits and rejections, waits on the clock, and how the limiter's rejections
 * meet the breaker and the retry around it.
 */
class RateLimiterAnnotationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.ratelimiter.instances.three.limit-for-period=3",
                    "resilience.ratelimiter.instances.three.limit-refresh-period=10s",
                    "resilience.ratelimiter.configs.waiting.limit-for-period=1",
                    "resilience.ratelimiter.configs.waiting.limit-refresh-period=1s",
                    "resilience.ratelimiter.configs.waiting.max-wait-duration=2s",
                    "resilience.ratelimiter.instances.patient.base-config=waiting",
                    "resilience.ratelimiter.instances.patient-async.base-config=waiting",
                    "resilience.ratelimiter.instances.impatient.base-config=waiting",
                    "resilience.ratelimiter.instances.impatient.limit-refresh-period=10s",
                    "resilience.ratelimiter.configs.single.limit-for-period=1",
                    "resilience.ratelimiter.configs.single.limit-refresh-period=10s",
                    "resilience.ratelimiter.instances.one.base-config=single",
                    "resilience.ratelimiter.instances.one-async.base-config=single",
                    "resilience.ratelimiter.instances.one-quick.base-config=single",
                    "resilience.ratelimiter.instances.one-retried.base-config=single",
                    "resilience.ratelimiter.instances.two.limit-for-period=2",
                    "resilience.ratelimiter.instances.two.limit-refresh-period=10s",
                    "resilience.circuitbreaker.instances.strict.minimum-number-of-calls=1",
                    "resilience.circuitbreaker.instances.strict.sliding-window-size=1",
                    "resilience.retry.instances.quick.wait-duration=0ms",
                    "resilience.retry.instances.waits-for-permit.retry-exceptions="
                            + "dev.resilience.core.ratelimiter.RateLimitExceededException");

    @Test
    void theLimitPermitsExactlyItsCallsPerPeriodAndRejectsTheRestWithoutCallingTheMethod() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            dev.resilience.core.ratelimiter.RateLimiter limiter = limiter(context, "three");
            for (int i = 1; i <= 3; i++) {
                assertThat(limited.three()).isEqualTo("call " + i);
            }
            RateLimitExceededException rejected = catchThrowableOfType(RateLimitExceededException.class,
                    limited::three);
            assertThat(rejected.rateLimiterName()).isEqualTo("three");
            assertThat(rejected.retryAfter()).as("the next of 3 per 10s frees 3.33s after the first")
                    .hasValue(Duration.ofNanos(3_333_333_334L));
            assertThatThrownBy(limited::three).isInstanceOf(RateLimitExceededException.class);
            assertThat(limited.calls("three")).isEqualTo(3);
            assertThat(limiter.permittedCalls()).isEqualTo(3);
            assertThat(limiter.rejectedCalls()).isEqualTo(2);

            context.getBean(ManualClock.class).advance(Duration.ofSeconds(10));
            assertThat(limited.three()).isEqualTo("call 4");
            assertThat(limiter.keys()).isZero();
        });
    }

    @Test
    void anUnnamedLimiterIsNamedAfterClassAndMethodAndExistsRightAfterStartUp() {
        runner.run(context -> {
            RateLimiterRegistry registry = context.getBean(RateLimiterRegistry.class);
            assertThat(registry.names()).contains("Limited.unnamed", "three", "patient", "one", "two");
            assertThat(registry.find("Limited.unnamed").orElseThrow().config().limitForPeriod()).isEqualTo(50);
            assertThat(registry.instance("three").clock()).isSameAs(context.getBean(ManualClock.class));
        });
    }

    @Test
    void aSynchronousCallWaitsForItsPermitOnItsThreadWithinMaxWait() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            ManualClock clock = context.getBean(ManualClock.class);
            assertThat(limited.patient()).isEqualTo("patient 1");
            assertThat(clock.slept()).isZero();

            assertThat(limited.patient()).isEqualTo("patient 2");
            assertThat(clock.slept()).as("waited for the next permit: one per second").isEqualTo(Duration.ofSeconds(1));
            assertThat(limiter(context, "patient").waitingCalls()).isZero();
            assertThat(limiter(context, "patient").rejectedCalls()).isZero();
        });
    }

    @Test
    void aSynchronousCallWhosePermitFreesAfterMaxWaitIsRejectedAtOnce() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            assertThat(limited.impatient()).isEqualTo("impatient 1");
            RateLimitExceededException rejected = catchThrowableOfType(RateLimitExceededException.class,
                    limited::impatient);
            assertThat(rejected.retryAfter()).hasValue(Duration.ofSeconds(10));
            assertThat(context.getBean(ManualClock.class).slept()).as("no waiting in vain").isZero();
            assertThat(limited.calls("impatient")).isEqualTo(1);
        });
    }

    @Test
    void anAsynchronousCallWaitsOnTheClockWithoutAThread() throws Exception {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            ManualClock clock = context.getBean(ManualClock.class);
            dev.resilience.core.ratelimiter.RateLimiter limiter = limiter(context, "patient-async");
            assertThat(limited.patientAsync()).isCompletedWithValue("async 1");

            CompletableFuture<String> waiting = limited.patientAsync();
            assertThat(waiting).as("waiting for its permit, without blocking the caller").isNotDone();
            assertThat(limited.calls("patientAsync")).isEqualTo(1);
            assertThat(limiter.waitingCalls()).isEqualTo(1);
            assertThat(clock.pendingTasks()).as("the wait is scheduled on the clock").isEqualTo(1);

            clock.advance(Duration.ofSeconds(1));
            assertThat(waiting).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("async 2");
            assertThat(limiter.waitingCalls()).isZero();
            assertThat(clock.slept()).as("no thread slept").isZero();
        });
    }

    @Test
    void anAsynchronousCallWithoutAPermitGetsAFailedFuture() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            assertThat(limited.oneAsync()).isCompletedWithValue("one async");
            CompletableFuture<String> rejected = limited.oneAsync();
            assertThat(rejected).isCompletedExceptionally();
            assertThatThrownBy(rejected::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RateLimitExceededException.class);
            assertThat(limited.calls("oneAsync")).isEqualTo(1);
        });
    }

    @Test
    void aRejectedCallIsNotCountedByTheBreakerAroundIt() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            dev.resilience.core.circuitbreaker.CircuitBreaker breaker = context
                    .getBean(CircuitBreakerRegistry.class).instance("strict");
            assertThat(limited.guarded()).isEqualTo("guarded");
            assertThatThrownBy(limited::guarded).isInstanceOf(RateLimitExceededException.class);
            assertThatThrownBy(limited::guarded).isInstanceOf(RateLimitExceededException.class);

            assertThat(breaker.state()).as("one counted failure would have opened it")
                    .isEqualTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED);
            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.successfulCalls()).isEqualTo(1);
        });
    }

    @Test
    void aRejectedCallIsNotRetriedUnlessTheRetryNamesTheRejection() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            assertThat(limited.retried()).isEqualTo("retried 1");
            assertThatThrownBy(limited::retried).isInstanceOf(RateLimitExceededException.class);
            assertThat(limited.calls("retried")).isEqualTo(1);
            assertThat(context.getBean(RetryRegistry.class).instance("quick").failedWithoutRetry()).isEqualTo(1);
            assertThat(context.getBean(ManualClock.class).slept()).isZero();
        });
    }

    @Test
    void aRetryNamingTheRejectionWaitsItsRetryAfterAndTriesAgain() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            ManualClock clock = context.getBean(ManualClock.class);
            assertThat(limited.waitsForPermit()).isEqualTo("permit 1");

            assertThat(limited.waitsForPermit()).isEqualTo("permit 2");
            assertThat(clock.slept()).as("the rejection's retryAfter, not the retry's wait-duration of 500ms")
                    .isEqualTo(Duration.ofSeconds(10));
            assertThat(context.getBean(RetryRegistry.class).instance("waits-for-permit").successfulWithRetry())
                    .isEqualTo(1);
            assertThat(limiter(context, "one-retried").rejectedCalls()).isEqualTo(1);
        });
    }

    @Test
    void everyRetryAttemptTakesAPermitOfItsOwn() {
        runner.run(context -> {
            Limited limited = context.getBean(Limited.class);
            // Attempts 1 and 2 take the two permits and fail; attempt 3 is rejected, which is not retried.
            assertThatThrownBy(limited::failsUnderTwo).isInstanceOf(RateLimitExceededException.class)
                    .satisfies(rejected -> assertThat(rejected.getSuppressed()).isEmpty());
            assertThat(limited.calls("failsUnderTwo")).isEqualTo(2);
            assertThat(limiter(context, "two").permittedCalls()).isEqualTo(2);
        });
    }

    private static dev.resilience.core.ratelimiter.RateLimiter limiter(
            org.springframework.context.ApplicationContext context, String name) {
        return context.getBean(RateLimiterRegistry.class).instance(name);
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        Limited limited() {
            return new Limited();
        }
    }

    static class Limited {
        private final CallCounter counter = new CallCounter();

        public int calls(String method) {
            return counter.get(method);
        }

        @RateLimiter(name = "three")
        public String three() {
            return "call " + counter.increment("three");
        }

        @RateLimiter
        public String unnamed() {
            return "unnamed";
        }

        @RateLimiter(name = "patient")
        public String patient() {
            return "patient " + counter.increment("patient");
        }

        @RateLimiter(name = "impatient")
        public String impatient() {
            return "impatient " + counter.increment("impatient");
        }

        @RateLimiter(name = "patient-async")
        public CompletableFuture<String> patientAsync() {
            return CompletableFuture.completedFuture("async " + counter.increment("patientAsync"));
        }

        @RateLimiter(name = "one-async")
        public CompletableFuture<String> oneAsync() {
            counter.increment("oneAsync");
            return CompletableFuture.completedFuture("one async");
        }

        @CircuitBreaker(name = "strict")
        @RateLimiter(name = "one")
        public String guarded() {
            return "guarded";
        }

        @Retry(name = "quick")
        @RateLimiter(name = "one-quick")
        public String retried() {
            return "retried " + counter.increment("retried");
        }

        @Retry(name = "waits-for-permit")
        @RateLimiter(name = "one-retried")
        public String waitsForPermit() {
            return "permit " + counter.increment("waitsForPermit");
        }

        @Retry(name = "quick")
        @RateLimiter(name = "two")
        public String failsUnderTwo() throws IOException {
            throw new IOException("attempt " + counter.increment("failsUnderTwo") + " failed");
        }
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.test.ManualClock;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import io.micrometer.context.ContextRegistry;

/**
 * Methods returning {@code CompletionStage}/{@code CompletableFuture} are handled asynchronously: retry waits
 * and timeouts are scheduled on the clock (a {@link ManualClock} here), no thread blocks, and the caller's
 * MDC and Micrometer context travel with every hop.
 */
class AsyncMethodsTest {

    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.retry.instances.async-retry.max-attempts=2",
                    "resilience.retry.instances.async-retry.wait-duration=1s",
                    "resilience.retry.instances.async-exhausted.max-attempts=3",
                    "resilience.retry.instances.async-exhausted.wait-duration=0ms",
                    "resilience.timeout.instances.async-timeout.duration=2s",
                    "resilience.timeout.instances.async-cancelling-timeout.duration=2s",
                    "resilience.timeout.instances.async-cancelling-timeout.cancel-running-future=true",
                    "resilience.bulkhead.instances.async-bulkhead.max-concurrent-calls=1");

    @AfterEach
    void clearContext() {
        MDC.clear();
        TENANT.remove();
    }

    @Test
    void retryWaitIsScheduledOnTheClockAndTheNextAttemptRunsElsewhereWithTheCallersMdc() throws Exception {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);
            MDC.put("requestId", "r-42");

            CompletableFuture<String> result = backend.failsOnceThenSucceeds();

            assertThat(result).as("waiting for the retry, without blocking the caller").isNotDone();
            assertThat(backend.attempts()).hasSize(1);
            assertThat(clock.pendingTasks()).as("the retry is scheduled on the clock").isEqualTo(1);
            assertThat(clock.slept()).as("no thread slept").isZero();

            clock.advance(Duration.ofSeconds(1));
            assertThat(result).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("ok on attempt 2");

            List<Attempt> attempts = backend.attempts();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).thread()).isEqualTo(Thread.currentThread().getName());
            assertThat(attempts.get(1).thread()).as("the retry ran on another thread")
                    .isNotEqualTo(Thread.currentThread().getName());
            assertThat(attempts.get(1).requestId()).as("MDC inside the retried attempt").isEqualTo("r-42");
        });
    }

    @Test
    void retriesContinueOnBootsApplicationTaskExecutor() {
        runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withPropertyValues("spring.task.execution.thread-name-prefix=app-task-").run(context -> {
                    AsyncBackend backend = context.getBean(AsyncBackend.class);
                    CompletableFuture<String> result = backend.failsOnceThenSucceeds();
                    context.getBean(ManualClock.class).advance(Duration.ofSeconds(1));

                    assertThat(result).succeedsWithin(Duration.ofSeconds(5));
                    assertThat(backend.attempts().get(1).thread()).startsWith("app-task-");
                });
    }

    @Test
    void aBeanNamedResilienceAsyncExecutorWinsOverBootsExecutor() {
        runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class))
                .withBean("resilienceAsyncExecutor", java.util.concurrent.Executor.class,
                        () -> task -> new Thread(task, "own-executor").start())
                .run(context -> {
                    AsyncBackend backend = context.getBean(AsyncBackend.class);
                    CompletableFuture<String> result = backend.failsOnceThenSucceeds();
                    context.getBean(ManualClock.class).advance(Duration.ofSeconds(1));

                    assertThat(result).succeedsWithin(Duration.ofSeconds(5));
                    assertThat(backend.attempts().get(1).thread()).isEqualTo("own-executor");
                });
    }

    @Test
    void withoutAnApplicationExecutorRetriesContinueOnTheCoresDaemonThreadsNeverTheCommonPool() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            CompletableFuture<String> result = backend.failsOnceThenSucceeds();
            context.getBean(ManualClock.class).advance(Duration.ofSeconds(1));

            assertThat(result).succeedsWithin(Duration.ofSeconds(5));
            assertThat(backend.attempts().get(1).thread()).startsWith("resilience-async-");
        });
    }

    @Test
    void micrometerContextTravelsToTheRetriedAttempt() {
        ContextRegistry.getInstance().registerThreadLocalAccessor("test.tenant", TENANT::get, TENANT::set,
                TENANT::remove);
        try {
            runner.run(context -> {
                AsyncBackend backend = context.getBean(AsyncBackend.class);
                TENANT.set("acme");
                CompletableFuture<String> result = backend.failsOnceThenSucceeds();
                context.getBean(ManualClock.class).advance(Duration.ofSeconds(1));
                assertThat(result).succeedsWithin(Duration.ofSeconds(5));
                Attempt retried = backend.attempts().get(1);
                assertThat(retried.thread()).isNotEqualTo(Thread.currentThread().getName());
                assertThat(retried.tenant()).isEqualTo("acme");
            });
        } finally {
            ContextRegistry.getInstance().removeThreadLocalAccessor("test.tenant");
        }
    }

    @Test
    void exhaustedRetriesFailTheStageWithTheLastFailureUnwrapped() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            CompletableFuture<String> result = backend.alwaysFails().toCompletableFuture();
            ExecutionException failure = catchThrowableOfType(ExecutionException.class,
                    () -> result.get(5, TimeUnit.SECONDS));
            assertThat(failure.getCause()).isExactlyInstanceOf(IOException.class).hasMessage("attempt 3 failed");
            assertThat(backend.attempts()).hasSize(3);
        });
    }

    @Test
    void timeoutFailsTheStageAtTheDeadlineAndLeavesTheMethodsFutureRunning() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            CompletableFuture<String> result = backend.neverCompletes();
            CompletableFuture<String> methodsFuture = backend.pending();
            clock.advance(Duration.ofMillis(2000));

            assertThat(result).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(TimeoutExceededException.class);
            assertThat(methodsFuture).isNotDone();
        });
    }

    @Test
    void timeoutFailsTheStageAtTheDeadlineAndCancelsTheMethodsFutureWhenConfigured() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            CompletableFuture<String> result = backend.neverCompletesUntilCancelled();
            CompletableFuture<String> methodsFuture = backend.pending();
            clock.advance(Duration.ofMillis(1999));
            assertThat(result).isNotDone();

            clock.advance(Duration.ofMillis(1));
            assertThat(result).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(TimeoutExceededException.class)
                    .withMessage("timeout 'async-cancelling-timeout' exceeded: the call did not finish within 2000ms");
            await().atMost(Duration.ofSeconds(5)).until(methodsFuture::isCancelled);
        });
    }

    @Test
    void fallbackSuppliesTheStageWhenTheMethodsStageFails() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            assertThat(backend.failedStage()).succeedsWithin(Duration.ofSeconds(5))
                    .isEqualTo("fallback after IOException");
        });
    }

    @Test
    void fallbackAlsoAppliesWhenTheMethodThrowsBeforeReturningAStage() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            assertThat(backend.throwsBeforeReturningAStage()).succeedsWithin(Duration.ofSeconds(5))
                    .isEqualTo("fallback after IllegalStateException");
        });
    }

    @Test
    void fallbackReplacesATimedOutStageWithTheCallersMdc() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            MDC.put("requestId", "r-7");
            CompletableFuture<String> result = backend.neverCompletesWithFallback();
            MDC.clear();
            context.getBean(ManualClock.class).advance(Duration.ofSeconds(2));
            assertThat(result).succeedsWithin(Duration.ofSeconds(5))
                    .isEqualTo("fallback after TimeoutExceededException");
            assertThat(backend.attempts()).as("the fallback's context").singleElement().satisfies(fallback -> {
                assertThat(fallback.thread()).isNotEqualTo(Thread.currentThread().getName());
                assertThat(fallback.requestId()).isEqualTo("r-7");
            });
        });
    }

    @Test
    void failedStageWithoutFallbackCarriesTheMethodsOwnException() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            CompletableFuture<String> result = backend.failsInsideSupplyAsync();
            assertThat(result).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isExactlyInstanceOf(IllegalStateException.class).withMessage("async failure");
            assertThat(catchThrowable(result::join))
                    .isInstanceOf(CompletionException.class).cause()
                    .isExactlyInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void fullBulkheadFailsTheStageInsteadOfThrowing() {
        runner.run(context -> {
            AsyncBackend backend = context.getBean(AsyncBackend.class);
            CompletableFuture<String> release = new CompletableFuture<>();
            CompletableFuture<String> holding = backend.holdUntil(release);

            CompletableFuture<String> rejected = backend.holdUntil(CompletableFuture.completedFuture("x"));
            assertThat(rejected).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(BulkheadFullException.class);
            assertThat(backend.attempts()).as("the rejected call did not enter the method").hasSize(1);

            release.complete("released");
            assertThat(holding).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("held until released");
            assertThat(backend.holdUntil(CompletableFuture.completedFuture("again")))
                    .as("the permit was returned when the stage completed")
                    .succeedsWithin(Duration.ofSeconds(5)).isEqualTo("held until again");
        });
    }

    @Test
    void methodReturningASubtypeOfCompletableFutureStopsStartUp() {
        // The pipeline hands back a plain CompletableFuture, which the proxy could not return as the subtype.
        runner.withBean(CustomFutureBackend.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(IllegalStateException.class)
                    .hasMessage("@Retry on " + CustomFutureBackend.class.getName() + ".fetch() cannot be used: it "
                            + "returns " + CustomFuture.class.getName() + "; an asynchronous method must be declared "
                            + "to return CompletionStage or CompletableFuture.");
        });
    }

    static class CustomFuture<T> extends CompletableFuture<T> {
    }

    static class CustomFutureBackend {
        @Retry
        public CustomFuture<String> fetch() {
            return new CustomFuture<>();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        AsyncBackend asyncBackend() {
            return new AsyncBackend();
        }
    }

    record Attempt(String thread, String requestId, String tenant) {
    }

    static class AsyncBackend {
        private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        private volatile CompletableFuture<String> pending;

        public List<Attempt> attempts() {
            return List.copyOf(attempts);
        }

        public CompletableFuture<String> pending() {
            return pending;
        }

        private int record() {
            attempts.add(new Attempt(Thread.currentThread().getName(), MDC.get("requestId"), TENANT.get()));
            return attempts.size();
        }

        @Retry(name = "async-retry")
        public CompletableFuture<String> failsOnceThenSucceeds() {
            int attempt = record();
            if (attempt == 1) {
                return CompletableFuture.failedFuture(new IOException("attempt 1 failed"));
            }
            return CompletableFuture.completedFuture("ok on attempt " + attempt);
        }

        @Retry(name = "async-exhausted")
        public CompletionStage<String> alwaysFails() {
            return CompletableFuture.failedFuture(new IOException("attempt " + record() + " failed"));
        }

        @Timeout(name = "async-timeout")
        public CompletableFuture<String> neverCompletes() {
            pending = new CompletableFuture<>();
            return pending;
        }

        @Timeout(name = "async-cancelling-timeout")
        public CompletableFuture<String> neverCompletesUntilCancelled() {
            pending = new CompletableFuture<>();
            return pending;
        }

        @Timeout(name = "async-timeout")
        @Fallback(method = "recover")
        public CompletableFuture<String> neverCompletesWithFallback() {
            return new CompletableFuture<>();
        }

        @Fallback(method = "recover")
        public CompletableFuture<String> failedStage() {
            return CompletableFuture.failedFuture(new IOException("failed stage"));
        }

        @Fallback(method = "recover")
        public CompletableFuture<String> throwsBeforeReturningAStage() {
            throw new IllegalStateException("no stage");
        }

        private CompletableFuture<String> recover(Throwable failure) {
            if (failure instanceof TimeoutExceededException) {
                record();
            }
            return CompletableFuture.completedFuture("fallback after " + failure.getClass().getSimpleName());
        }

        @Retry(name = "async-exhausted")
        @Timeout(name = "async-timeout")
        public CompletableFuture<String> failsInsideSupplyAsync() {
            return CompletableFuture.supplyAsync(() -> {
                throw new IllegalStateException("async failure");
            });
        }

        @Bulkhead(name = "async-bulkhead")
        public CompletableFuture<String> holdUntil(CompletableFuture<String> release) {
            record();
            return release.thenApply(value -> "held until " + value);
        }
    }
}

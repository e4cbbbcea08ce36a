package dev.resilience.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.test.ManualClock;

/** The caller's cancellation travels inward: the attempt stops, nothing more is scheduled, permits come back. */
class AsyncCancellationTest {

    private final ManualClock clock = new ManualClock();
    private final List<CompletableFuture<Object>> attempts = new CopyOnWriteArrayList<>();

    private ResiliencePipeline.Builder direct() {
        return ResiliencePipeline.builder().asyncExecutor(Runnable::run);
    }

    /** Each attempt returns a future that stays pending until the test completes it. */
    private CompletableFuture<Object> pendingAttempt() {
        CompletableFuture<Object> attempt = new CompletableFuture<>();
        attempts.add(attempt);
        return attempt;
    }

    private CircuitBreaker halfOpenBreaker(int trials) {
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().permittedCallsInHalfOpenState(trials).build(), clock);
        breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);
        return breaker;
    }

    @Test
    void cancellingTheCallersFutureCancelsTheRunningAttemptAndHandsBackEveryPermit() {
        CircuitBreaker breaker = halfOpenBreaker(1);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        ResiliencePipeline pipeline = direct().circuitBreaker(breaker).bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        assertThat(breaker.tryAcquirePermit()).as("the only trial is taken").isNull();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);

        assertThat(result.cancel(true)).isTrue();

        assertThat(attempts).singleElement().satisfies(attempt -> assertThat(attempt).isCancelled());
        assertThat(bulkhead.activeCalls()).as("the place is free at once").isZero();
        assertThat(breaker.ignoredCalls()).as("the caller's cancellation says nothing about the downstream: "
                + "it is not counted at all").isZero();
        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermit()).as("the trial permit came back").isNotNull();
    }

    @Test
    void cancellingWhileARetryWaitsCallsTheRetryOff() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<Object> result = pipeline.executeAsync(() -> {
            CompletableFuture<Object> attempt = pendingAttempt();
            attempt.completeExceptionally(new IOException("attempt " + attempts.size()));
            return attempt;
        });
        assertThat(clock.pendingTasks()).as("the retry waits on the clock").isEqualTo(1);

        result.cancel(true);

        assertThat(clock.pendingTasks()).as("the retry is called off").isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(attempts).as("no further attempt").hasSize(1);
        assertThat(result).isCancelled();
    }

    @Test
    void cancellingDuringATimedAttemptCancelsTheAttemptAndItsTimer() {
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.of(Duration.ofSeconds(1)), clock);
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).build(),
                clock);
        ResiliencePipeline pipeline = direct().retry(retry).timeout(timeout).build();

        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        result.cancel(true);

        assertThat(attempts).singleElement().satisfies(attempt -> assertThat(attempt).isCancelled());
        assertThat(clock.pendingTasks()).as("the deadline is cancelled with the attempt").isZero();
        assertThat(attempts).as("a cancelled attempt is not retried").hasSize(1);
        assertThat(timeout.timedOutCalls()).isZero();
    }

    @Test
    void completingTheCallersFutureFromOutsideStopsTheAttemptLikeACancellation() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        ResiliencePipeline pipeline = direct().bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        result.completeExceptionally(new TimeoutException("the caller's own orTimeout"));

        assertThat(attempts).singleElement().satisfies(attempt -> assertThat(attempt).isCancelled());
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void cancellingAfterTheExecutionEndedLeavesTimedOutWorkAlone() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.of(Duration.ofSeconds(1)), clock);
        ResiliencePipeline pipeline = direct().timeout(timeout).bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofSeconds(1));
        assertThat(result).isCompletedExceptionally();

        assertThat(result.cancel(true)).isFalse();

        assertThat(attempts.get(0)).as("the work goes on, counted by its bulkhead").isNotDone();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
    }

    @Test
    void anAttemptThatCompletesLaterStillCompletesTheCallersFuture() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        CircuitBreaker breaker = halfOpenBreaker(1);
        ResiliencePipeline pipeline = direct().circuitBreaker(breaker).bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        attempts.get(0).complete("done");

        assertThat(result).isCompletedWithValue("done");
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(breaker.successfulCalls()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}

package dev.resilience.core.pipeline;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.test.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutExceededException;

class AsyncPipelineTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Throwable> fallbackSaw = Collections.synchronizedList(new ArrayList<>());

    private Retry retry(int maxAttempts, Duration wait) {
        return Retry.of("retry", RetryConfig.builder().maxAttempts(maxAttempts).waitDuration(wait).build(), clock);
    }

    private Timeout timeout(Duration duration) {
        return Timeout.of("timeout", TimeoutConfig.of(duration), clock);
    }

    private Timeout cancellingTimeout(Duration duration) {
        return Timeout.of("timeout", TimeoutConfig.builder().duration(duration).cancelRunningFuture(true).build(),
                clock);
    }

    private ResiliencePipeline.Builder direct() {
        return ResiliencePipeline.builder().asyncExecutor(Runnable::run);
    }

    private Fallback<Object> recordingFallback(Object replacement) {
        return Fallback.of("fallback", failure -> {
            fallbackSaw.add(failure);
            return replacement;
        });
    }

    /** Fails the first {@code failures} calls with the stage, then returns "ok". */
    private Supplier<CompletionStage<String>> failingTimes(int failures) {
        return () -> calls.incrementAndGet() <= failures
                ? CompletableFuture.failedFuture(new IllegalStateException("attempt " + calls.get()))
                : CompletableFuture.completedFuture("ok");
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isDone();
        return future.handle((value, failure) -> failure).join();
    }

    // ---- retry scheduled on the clock ----------------------------------------------------------------------

    @Test
    void retryRunsOnlyWhenTheClockReachesTheWait() {
        ResiliencePipeline pipeline = direct().retry(retry(3, Duration.ofMillis(500))).build();

        CompletableFuture<String> result = pipeline.executeAsync(failingTimes(2));

        assertThat(calls).hasValue(1);
        assertThat(result).isNotDone();
        assertThat(clock.pendingTasks()).isEqualTo(1);

        clock.advance(Duration.ofMillis(499));
        assertThat(calls).hasValue(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(calls).hasValue(2);
        assertThat(result).isNotDone();

        clock.advance(Duration.ofMillis(500));
        assertThat(calls).hasValue(3);
        assertThat(result).isCompletedWithValue("ok");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void retryWaitsAreScheduledNeverSlept() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(4).waitDuration(Duration.ofMillis(100))
                .backoffMultiplier(2).build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();
        List<Long> startedAt = new ArrayList<>();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            startedAt.add(clock.nanoTime());
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        });
        clock.advance(Duration.ofSeconds(1));

        assertThat(startedAt).containsExactly(0L, ms(100), ms(300), ms(700));
        assertThat(failureOf(result)).hasMessage("down");
        assertThat(clock.slept()).isEqualTo(Duration.ZERO);
    }

    @Test
    void failingStageAndThrowingSupplierAreBothRetried() {
        Retry retry = retry(3, Duration.ofMillis(100));
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            switch (calls.incrementAndGet()) {
                case 1:
                    return CompletableFuture.failedFuture(new IllegalStateException("stage failed"));
                case 2:
                    throw new IllegalStateException("supplier threw");
                default:
                    return CompletableFuture.completedFuture("ok");
            }
        });
        clock.advance(Duration.ofMillis(200));

        assertThat(result).isCompletedWithValue("ok");
        assertThat(calls).hasValue(3);
        assertThat(retry.successfulWithRetry()).isEqualTo(1);
    }

    @Test
    void exhaustedRetriesCompleteWithTheLastFailureUnwrapped() {
        Retry retry = retry(3, Duration.ofMillis(100));
        ResiliencePipeline pipeline = direct().retry(retry).build();
        List<IllegalStateException> thrown = new ArrayList<>();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            IllegalStateException failure = new IllegalStateException("attempt " + calls.incrementAndGet());
            thrown.add(failure);
            // A dependent stage wraps its failure in a CompletionException; the caller must not see it.
            return CompletableFuture.completedFuture("").thenApply(ignored -> {
                throw failure;
            });
        });
        clock.advance(Duration.ofSeconds(1));

        assertThat(failureOf(result)).isSameAs(thrown.get(2));
        assertThatThrownBy(result::join).isInstanceOf(CompletionException.class).hasCause(thrown.get(2));
        assertThat(retry.failedWithRetry()).isEqualTo(1);
    }

    @Test
    void checkedFailureOfTheStageReachesTheCallerUnchanged() {
        IOException io = new IOException("disk");
        ResiliencePipeline pipeline = direct().retry(retry(2, Duration.ZERO)).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> CompletableFuture.failedFuture(io));

        assertThat(failureOf(result)).isSameAs(io);
    }

    @Test
    void failureThatIsNotRetriedCompletesAtOnce() {
        Retry retry = Retry.of("retry", RetryConfig.builder().ignoreExceptions(IllegalArgumentException.class)
                .build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalArgumentException("bad request"));
        });

        assertThat(failureOf(result)).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
        assertThat(clock.pendingTasks()).isZero();
        assertThat(retry.failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void unacceptableResultIsRetriedAndTheLastOneReturnedWhenAttemptsRunOut() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                .retryOnResult(result -> ((String) result).startsWith("pending")).build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<String> result = pipeline.executeAsync(
                () -> CompletableFuture.completedFuture("pending " + calls.incrementAndGet()));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofMillis(200));

        assertThat(result).isCompletedWithValue("pending 3");
        assertThat(retry.failedWithRetry()).isEqualTo(1);
    }

    @Test
    void maxDurationStopsScheduledRetries() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(10).waitDuration(Duration.ofSeconds(1))
                .maxDuration(Duration.ofMillis(2500)).build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<String> result = pipeline.executeAsync(failingTimes(100));
        clock.advance(Duration.ofSeconds(10));

        assertThat(calls).hasValue(3);
        assertThat(failureOf(result)).hasMessage("attempt 3");
    }

    @Test
    void publishesEachScheduledRetryWithItsAttemptAndDelay() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                .backoffMultiplier(3).build(), clock);
        List<ResilienceEvent> scheduled = new ArrayList<>();
        retry.events().subscribe(EnumSet.of(EventType.RETRY_SCHEDULED), scheduled::add);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        pipeline.executeAsync(failingTimes(2));
        clock.advance(Duration.ofSeconds(1));

        assertThat(scheduled).extracting(ResilienceEvent::detail)
                .containsExactly("attempt 1 failed, next in 100ms", "attempt 2 failed, next in 300ms");
        assertThat(scheduled).extracting(ResilienceEvent::duration)
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(300));
        assertThat(scheduled).extracting(event -> event.error().getMessage()).containsExactly("attempt 1", "attempt 2");
    }

    @Test
    void retryAfterHintOfTheFailedStageDecidesWhenTheRetryIsScheduled() {
        ResiliencePipeline pipeline = direct().retry(retry(2, Duration.ofMillis(100))).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> calls.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new ResiliencePipelineTest.TooManyRequests(Duration.ofSeconds(3)))
                : CompletableFuture.completedFuture("ok"));
        clock.advance(Duration.ofMillis(2_999));
        assertThat(calls).hasValue(1);
        clock.advance(Duration.ofMillis(1));

        assertThat(result).isCompletedWithValue("ok");
    }

    @Test
    void cancellingTheResultStopsFurtherRetries() {
        ResiliencePipeline pipeline = direct().retry(retry(5, Duration.ofMillis(100))).build();

        CompletableFuture<String> result = pipeline.executeAsync(failingTimes(100));
        result.cancel(true);
        clock.advance(Duration.ofSeconds(5));

        assertThat(calls).hasValue(1);
        assertThat(result).isCancelled();
    }

    // ---- failures of the machinery itself ------------------------------------------------------------------

    @Test
    void resultPredicateThatThrowsFailsTheResultInsteadOfLeavingItPending() {
        IllegalStateException broken = new IllegalStateException("predicate broke");
        Retry retry = Retry.of("retry", RetryConfig.builder().retryOnResult(result -> {
            throw broken;
        }).build(), clock);
        ResiliencePipeline pipeline = direct().retry(retry).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> CompletableFuture.completedFuture("value"));

        assertThat(failureOf(result)).isSameAs(broken);
    }

    @Test
    void executorThatRejectsTheRetryFailsTheResultInsteadOfLeavingItPending() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(3, Duration.ofMillis(100)))
                .asyncExecutor(task -> {
                    throw new RejectedExecutionException("shutting down");
                }).build();

        CompletableFuture<String> result = pipeline.executeAsync(failingTimes(1));
        clock.advance(Duration.ofMillis(100));

        assertThat(failureOf(result)).isInstanceOf(RejectedExecutionException.class).hasMessage("shutting down")
                .satisfies(rejection -> assertThat(rejection.getSuppressed()).singleElement()
                        .extracting(Throwable::getMessage).isEqualTo("attempt 1"));
        assertThat(calls).hasValue(1);
    }

    // ---- fallback ------------------------------------------------------------------------------------------

    @Test
    void fallbackReturningAStageCompletesTheResultWithIt() {
        ResiliencePipeline pipeline = direct().retry(retry(2, Duration.ofMillis(100)))
                .fallback(Fallback.of("fallback", failure -> {
                    fallbackSaw.add(failure);
                    return CompletableFuture.completedFuture("from cache");
                })).build();

        CompletableFuture<String> result = pipeline.executeAsync(failingTimes(5));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofMillis(100));

        assertThat(result).isCompletedWithValue("from cache");
        assertThat(fallbackSaw).singleElement().extracting(Throwable::getMessage).isEqualTo("attempt 2");
    }

    @Test
    void fallbackReturningAValueCompletesTheResultWithIt() {
        ResiliencePipeline pipeline = direct().fallback(recordingFallback("default value")).build();

        CompletableFuture<Object> result = pipeline.executeAsync(
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")));

        assertThat(result).isCompletedWithValue("default value");
    }

    @Test
    void fallbackReturningAStageThatCompletesLaterCompletesTheResultThen() {
        CompletableFuture<String> cache = new CompletableFuture<>();
        ResiliencePipeline pipeline = direct().fallback(Fallback.of("fallback", failure -> cache)).build();

        CompletableFuture<String> result = pipeline.executeAsync(
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        assertThat(result).isNotDone();
        cache.complete("late cache");

        assertThat(result).isCompletedWithValue("late cache");
    }

    @Test
    void fallbackThatThrowsFailsTheResultWithItsException() {
        IOException cacheDown = new IOException("cache down");
        ResiliencePipeline pipeline = direct().fallback(Fallback.of("fallback", failure -> {
            throw cacheDown;
        })).build();

        CompletableFuture<String> result = pipeline.executeAsync(
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")));

        assertThat(failureOf(result)).isSameAs(cacheDown);
    }

    @Test
    void fallbackStageThatFailsFailsTheResultWithItsFailureUnwrapped() {
        IllegalStateException cacheDown = new IllegalStateException("cache down");
        ResiliencePipeline pipeline = direct().fallback(Fallback.of("fallback",
                failure -> CompletableFuture.completedFuture("").thenApply(ignored -> {
                    throw cacheDown;
                }))).build();

        CompletableFuture<String> result = pipeline.executeAsync(
                () -> CompletableFuture.failedFuture(new IllegalStateException("down")));

        assertThat(failureOf(result)).isSameAs(cacheDown);
    }

    @Test
    void failureTheFallbackDoesNotHandlePropagatesUnchanged() {
        IllegalArgumentException badRequest = new IllegalArgumentException("bad request");
        ResiliencePipeline pipeline = direct().fallback(Fallback.<Object>builder("fallback", failure -> "x")
                .skipOn(IllegalArgumentException.class).build()).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> CompletableFuture.failedFuture(badRequest));

        assertThat(failureOf(result)).isSameAs(badRequest);
    }

    // ---- timeout -------------------------------------------------------------------------------------------

    @Test
    void timeoutFailsTheResultAtTheDeadlineAndLeavesTheCallRunning() {
        Timeout timeout = timeout(Duration.ofSeconds(1));
        ResiliencePipeline pipeline = direct().timeout(timeout).build();
        CompletableFuture<String> call = new CompletableFuture<>();

        CompletableFuture<String> result = pipeline.executeAsync(() -> call);
        clock.advance(Duration.ofMillis(999));
        assertThat(result).isNotDone();

        clock.advance(Duration.ofMillis(1));

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class)
                .hasMessage("timeout 'timeout' exceeded: the call did not finish within 1000ms");
        assertThat(call).isNotDone();
        assertThat(timeout.timedOutCalls()).isEqualTo(1);
    }

    @Test
    void timeoutFailsTheResultAtTheDeadlineAndCancelsTheCallWhenConfigured() {
        Timeout timeout = cancellingTimeout(Duration.ofSeconds(1));
        ResiliencePipeline pipeline = direct().timeout(timeout).build();
        CompletableFuture<String> call = new CompletableFuture<>();

        CompletableFuture<String> result = pipeline.executeAsync(() -> call);
        clock.advance(Duration.ofMillis(999));
        assertThat(result).isNotDone();

        clock.advance(Duration.ofMillis(1));

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class)
                .hasMessage("timeout 'timeout' exceeded: the call did not finish within 1000ms");
        assertThat(call).isCancelled();
        assertThat(timeout.timedOutCalls()).isEqualTo(1);
    }

    @Test
    void callThatFinishesInTimeCancelsItsTimer() {
        ResiliencePipeline pipeline = direct().timeout(timeout(Duration.ofSeconds(1))).build();
        CompletableFuture<String> call = new CompletableFuture<>();

        CompletableFuture<String> result = pipeline.executeAsync(() -> call);
        call.complete("quick");

        assertThat(result).isCompletedWithValue("quick");
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void timedOutWorkKeepsItsBulkheadPlaceSoTheRetryFindsTheBulkheadFull() {
        Retry retry = retry(3, Duration.ofMillis(500));
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().slidingWindowSize(100).minimumNumberOfCalls(100).build(), clock);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        List<CompletableFuture<Object>> attempts = new ArrayList<>();
        ResiliencePipeline pipeline = direct().fallback(recordingFallback("fallback")).retry(retry)
                .circuitBreaker(breaker).timeout(timeout(Duration.ofSeconds(1))).bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(() -> {
            CompletableFuture<Object> attempt = new CompletableFuture<>();
            attempts.add(attempt);
            return attempt;
        });
        clock.advance(Duration.ofMillis(1000)); // attempt 1 times out but goes on, holding the only place
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1000)); // attempts 2 and 3 find the bulkhead full

        assertThat(result).isCompletedWithValue("fallback");
        assertThat(attempts).as("only the first attempt reached the call").hasSize(1);
        assertThat(fallbackSaw).singleElement().isInstanceOf(BulkheadFullException.class);
        assertThat(breaker.failedCalls()).as("the timeout counts; a full bulkhead is not the downstream's failure")
                .isEqualTo(1);
        assertThat(breaker.ignoredCalls()).isEqualTo(2);
        assertThat(bulkhead.activeCalls()).isEqualTo(1);

        attempts.get(0).complete("late");

        assertThat(bulkhead.activeCalls()).as("the place is freed when the work really ends").isZero();
    }

    @Test
    void eachAttemptTimesOutOnItsOwnAndIsRetriedThroughBreakerAndBulkhead() {
        Retry retry = retry(3, Duration.ofMillis(500));
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().slidingWindowSize(100).minimumNumberOfCalls(100).build(), clock);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        List<ResilienceEvent> entered = new ArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_ENTERED), entered::add);
        List<CompletableFuture<String>> attempts = new ArrayList<>();
        ResiliencePipeline pipeline = direct().fallback(recordingFallback("fallback")).retry(retry)
                .circuitBreaker(breaker).timeout(cancellingTimeout(Duration.ofSeconds(1))).bulkhead(bulkhead).build();

        CompletableFuture<Object> result = pipeline.executeAsync(() -> {
            CompletableFuture<Object> attempt = new CompletableFuture<>();
            attempts.add(attempt.thenApply(String::valueOf));
            return attempt;
        });
        clock.advance(Duration.ofMillis(1000)); // attempt 1 times out; attempt 2 at 1.5s
        assertThat(attempts).hasSize(1);
        clock.advance(Duration.ofMillis(500));
        assertThat(attempts).hasSize(2);
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        clock.advance(Duration.ofMillis(3000));

        assertThat(result).isCompletedWithValue("fallback");
        assertThat(attempts).hasSize(3).allSatisfy(attempt -> assertThat(attempt).isCompletedExceptionally());
        assertThat(entered).hasSize(3);
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(breaker.failedCalls()).isEqualTo(3);
        assertThat(fallbackSaw).singleElement().isInstanceOf(TimeoutExceededException.class);
    }

    @Test
    void breakerOpeningMidRetryStopsTheRetriesAndTheFallbackSeesTheRejection() {
        Retry retry = retry(5, Duration.ofMillis(100));
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().slidingWindowSize(2)
                .minimumNumberOfCalls(2).failureRateThreshold(50).build(), clock);
        ResiliencePipeline pipeline = direct().fallback(recordingFallback("fallback")).retry(retry)
                .circuitBreaker(breaker).build();

        CompletableFuture<Object> result = pipeline.executeAsync(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IllegalStateException("down"));
        });
        clock.advance(Duration.ofSeconds(1));

        assertThat(result).isCompletedWithValue("fallback");
        assertThat(calls).hasValue(2);
        assertThat(breaker.notPermittedCalls()).isEqualTo(1);
        assertThat(fallbackSaw).singleElement().isInstanceOf(CircuitBreakerOpenException.class);
        assertThat(clock.pendingTasks()).as("no retry left, only the open breaker's end of wait").isEqualTo(1);
    }

    // ---- listeners -----------------------------------------------------------------------------------------

    @Test
    void listenerThatThrowsNeverBreaksTheAsyncCall() {
        Retry retry = retry(3, Duration.ofMillis(100));
        Timeout timeout = timeout(Duration.ofSeconds(1));
        Fallback<Object> fallback = recordingFallback("fallback");
        retry.events().onEvent(event -> {
            throw new IllegalStateException("broken listener");
        });
        timeout.events().onEvent(event -> {
            throw new IllegalStateException("broken listener");
        });
        fallback.events().onEvent(event -> {
            throw new IllegalStateException("broken listener");
        });
        ResiliencePipeline pipeline = direct().fallback(fallback).retry(retry).timeout(timeout).build();

        CompletableFuture<Object> result = pipeline.executeAsync(CompletableFuture::new);
        clock.advance(Duration.ofSeconds(10));

        assertThat(result).isCompletedWithValue("fallback");
        assertThat(timeout.timedOutCalls()).isEqualTo(3);
    }

    // ---- context propagation -------------------------------------------------------------------------------

    private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

    /** Carries {@link #REQUEST}; counts captures. */
    private static ContextPropagation requestPropagation(AtomicInteger captures) {
        return () -> {
            captures.incrementAndGet();
            String captured = REQUEST.get();
            return () -> {
                String previous = REQUEST.get();
                REQUEST.set(captured);
                return () -> {
                    if (previous == null) {
                        REQUEST.remove();
                    } else {
                        REQUEST.set(previous);
                    }
                };
            };
        };
    }

    /** Delegates to the manual clock and reports each scheduled delay, so a test knows when to advance. */
    private static final class SignallingClock implements Clock {
        final ManualClock delegate;
        final BlockingQueue<Long> scheduled = new LinkedBlockingQueue<>();

        SignallingClock(ManualClock delegate) {
            this.delegate = delegate;
        }

        @Override
        public long nanoTime() {
            return delegate.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return delegate.currentTimeMillis();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            delegate.sleep(nanos);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            Cancellable cancellable = delegate.schedule(task, delayNanos);
            scheduled.add(delayNanos);
            return cancellable;
        }
    }

    @Test
    void contextIsCapturedOnceAndRestoredOnEveryRetryHopAndInTheFallback() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "async-pool"));
        try {
            SignallingClock signalling = new SignallingClock(clock);
            Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofMillis(500))
                    .build(), signalling);
            AtomicInteger captures = new AtomicInteger();
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            BlockingQueue<CompletableFuture<String>> attempts = new LinkedBlockingQueue<>();
            ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry)
                    .fallback(Fallback.of("fallback", failure -> {
                        seen.add("fallback " + REQUEST.get());
                        return "fallback";
                    }))
                    .asyncExecutor(pool).contextPropagation(requestPropagation(captures)).build();

            REQUEST.set("req-42");
            CompletableFuture<String> result = pipeline.executeAsync(() -> {
                seen.add(Thread.currentThread().getName() + " " + REQUEST.get());
                CompletableFuture<String> attempt = new CompletableFuture<>();
                attempts.add(attempt);
                return attempt;
            });
            REQUEST.remove();

            for (int attempt = 1; attempt <= 3; attempt++) {
                CompletableFuture<String> running = attempts.poll(10, TimeUnit.SECONDS);
                assertThat(running).as("attempt %d started", attempt).isNotNull();
                running.completeExceptionally(new IllegalStateException("down " + attempt));
                if (attempt < 3) {
                    assertThat(signalling.scheduled.poll(10, TimeUnit.SECONDS)).isEqualTo(ms(500));
                    clock.advance(Duration.ofMillis(500));
                }
            }

            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("fallback");
            assertThat(seen).containsExactly(Thread.currentThread().getName() + " req-42",
                    "async-pool req-42", "async-pool req-42", "fallback req-42");
            assertThat(captures).hasValue(1);
            // Every hop closed its scope: neither thread keeps the caller's context.
            assertThat(REQUEST.get()).isNull();
            assertThat(pool.submit(REQUEST::get).get(10, TimeUnit.SECONDS)).isNull();
        } finally {
            REQUEST.remove();
            pool.shutdownNow();
        }
    }

    @Test
    void contextIsRestoredWhenATimeoutCompletesTheCallOnTheExecutor() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "async-pool"));
        try {
            List<String> seen = Collections.synchronizedList(new ArrayList<>());
            ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                    .fallback(Fallback.of("fallback", failure -> {
                        seen.add(Thread.currentThread().getName() + " " + REQUEST.get() + " "
                                + failure.getClass().getSimpleName());
                        return "fallback";
                    }))
                    .asyncExecutor(pool).contextPropagation(requestPropagation(new AtomicInteger())).build();

            REQUEST.set("req-7");
            CompletableFuture<String> result = pipeline.executeAsync(CompletableFuture::new);
            REQUEST.remove();
            clock.advance(Duration.ofSeconds(1));

            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("fallback");
            assertThat(seen).containsExactly("async-pool req-7 TimeoutExceededException");
            assertThat(pool.submit(REQUEST::get).get(10, TimeUnit.SECONDS)).isNull();
        } finally {
            REQUEST.remove();
            pool.shutdownNow();
        }
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}

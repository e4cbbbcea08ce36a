package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.RetryAfterHint;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** A {@code Mono} through every policy: the rules of the reactive call style, with a manual clock. */
class MonoThroughPipelineTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final AtomicInteger cancellations = new AtomicInteger();

    private ResiliencePipeline.Builder pipeline() {
        return ResiliencePipeline.builder().asyncExecutor(Runnable::run).clock(clock);
    }

    /** Counts subscriptions and cancellations of {@code source}. */
    private <T> Mono<T> counted(Mono<T> source) {
        return source.doOnSubscribe(s -> subscriptions.incrementAndGet()).doOnCancel(cancellations::incrementAndGet);
    }

    /** Fails with {@code IOException} on the first {@code failures} subscriptions, then emits "ok". */
    private Mono<String> failingFirst(int failures) {
        return counted(Mono.defer(() -> {
            int attempt = subscriptions.get() + 1; // counted as subscribed once this inner subscription is made
            return attempt <= failures ? Mono.error(new IOException("attempt " + attempt)) : Mono.just("ok");
        }));
    }

    private CircuitBreaker halfOpenBreaker(int trials) {
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().permittedCallsInHalfOpenState(trials).build(), clock);
        breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);
        return breaker;
    }

    @Test
    void nothingHappensUntilSubscriptionAndEachSubscriptionIsOneExecution() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().circuitBreaker(breaker).build())
                .mono(counted(Mono.just("ok")));

        assertThat(subscriptions).as("assembled, not subscribed").hasValue(0);
        assertThat(breaker.successfulCalls()).isZero();

        StepVerifier.create(mono).expectNext("ok").expectComplete().verify(VERIFY);
        StepVerifier.create(mono).expectNext("ok").expectComplete().verify(VERIFY);

        assertThat(subscriptions).hasValue(2);
        assertThat(breaker.successfulCalls()).isEqualTo(2);
    }

    @Test
    void aRetrySubscribesToTheSourceAgainAfterItsWaitOnTheClock() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().retry(retry).build()).mono(failingFirst(2));

        StepVerifier.create(mono)
                .then(() -> assertThat(subscriptions).as("the first attempt, then a wait").hasValue(1))
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .then(() -> assertThat(subscriptions).hasValue(2))
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectNext("ok")
                .expectComplete()
                .verify(VERIFY);

        assertThat(subscriptions).as("exactly one subscription per attempt").hasValue(3);
        assertThat(retry.successfulWithRetry()).isEqualTo(1);
    }

    /** A failure carrying the server's Retry-After. */
    static final class Throttled extends IOException implements RetryAfterHint {
        Throttled() {
            super("429");
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.of(Duration.ofSeconds(5));
        }
    }

    @Test
    void aRetryAfterHintSetsTheWaitBeforeTheNextSubscription() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ofMillis(100))
                .maxWaitDuration(Duration.ofSeconds(30)).build(), clock);
        Mono<String> source = counted(Mono.defer(() -> subscriptions.get() == 0
                ? Mono.<String>error(new Throttled()) : Mono.just("ok")));
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().retry(retry).build()).mono(source);

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofMillis(4_999)))
                .then(() -> assertThat(subscriptions).as("the backoff's 100 ms gave way to the hint").hasValue(1))
                .then(() -> clock.advance(Duration.ofMillis(1)))
                .expectNext("ok")
                .expectComplete()
                .verify(VERIFY);

        assertThat(subscriptions).hasValue(2);
    }

    @Test
    void retryingOnAResultResubscribesUntilTheResultIsAccepted() {
        AtomicInteger values = new AtomicInteger();
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(5).waitDuration(Duration.ZERO)
                .retryOnResult(result -> ((Integer) result) < 3).build(), clock);
        Mono<Integer> mono = ResilienceOperator.<Integer>of(pipeline().retry(retry).build())
                .mono(counted(Mono.fromSupplier(values::incrementAndGet)));

        StepVerifier.create(mono).expectNext(3).expectComplete().verify(VERIFY);

        assertThat(subscriptions).hasValue(3);
    }

    @Test
    void theBreakerCountsAValueAndAnEmptyCompletionAsSuccessAndAnErrorAsFailure() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        ResilienceOperator<Object> operator = ResilienceOperator.of(pipeline().circuitBreaker(breaker).build());

        StepVerifier.create(operator.mono(Mono.just("value"))).expectNext("value").verifyComplete();
        StepVerifier.create(operator.mono(Mono.empty())).verifyComplete();
        StepVerifier.create(operator.mono(Mono.error(new IOException("down")))).verifyError(IOException.class);

        assertThat(breaker.successfulCalls()).isEqualTo(2);
        assertThat(breaker.failedCalls()).isEqualTo(1);
    }

    @Test
    void aCallLastsFromSubscriptionToTheTerminalSignalForSlowCallCounting() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder()
                .slowCallDurationThreshold(Duration.ofSeconds(2)).build(), clock);
        Sinks.One<String> response = Sinks.one();
        Mono<Object> mono = ResilienceOperator.of(pipeline().circuitBreaker(breaker).build())
                .mono(response.asMono());

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofSeconds(3)))
                .then(() -> response.tryEmitValue("late"))
                .expectNext("late")
                .verifyComplete();

        assertThat(breaker.snapshot().slowCalls()).isEqualTo(1);
    }

    @Test
    void cancellingBeforeTheValueHandsTheTrialBackAndCountsNothing() {
        CircuitBreaker breaker = halfOpenBreaker(1);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Mono<Object> mono = ResilienceOperator.of(pipeline().circuitBreaker(breaker).bulkhead(bulkhead).build())
                .mono(counted(Mono.never()));

        StepVerifier.create(mono)
                .then(() -> {
                    assertThat(bulkhead.inFlightCalls()).hasSize(1);
                    assertThat(breaker.tryAcquirePermit()).as("the only trial is taken").isNull();
                })
                .thenCancel()
                .verify(VERIFY);

        assertThat(cancellations).as("the subscription to the source is cancelled").hasValue(1);
        assertThat(bulkhead.inFlightCalls()).as("the live view is empty").isEmpty();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(breaker.successfulCalls() + breaker.failedCalls() + breaker.ignoredCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(breaker.tryAcquirePermit()).as("the trial is free again").isNotNull();
    }

    @Test
    void theTimeoutCoversTheSubscriptionCancelsTheSourceAndFreesThePlace() {
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.builder().duration(Duration.ofSeconds(1)).build(),
                clock);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Mono<Object> mono = ResilienceOperator.of(pipeline().timeout(timeout).bulkhead(bulkhead).build())
                .mono(counted(Mono.never()));

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofMillis(999)))
                .then(() -> assertThat(cancellations).as("not before the deadline").hasValue(0))
                .then(() -> clock.advance(Duration.ofMillis(1)))
                .expectError(TimeoutExceededException.class)
                .verify(VERIFY);

        assertThat(cancellations).as("the source's subscription is cancelled at the deadline, whatever "
                + "cancel-running-future says").hasValue(1);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
        assertThat(timeout.timedOutCalls()).isEqualTo(1);
    }

    @Test
    void aValueThatComesAfterTheDeadlineIsHandedToTheSubscribersDiscardHook() {
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.builder().duration(Duration.ofSeconds(1)).build(),
                clock);
        // A source that emits whatever happens, as a response arriving while its exchange is being cancelled.
        java.util.concurrent.atomic.AtomicReference<org.reactivestreams.Subscriber<? super Object>> late =
                new java.util.concurrent.atomic.AtomicReference<>();
        org.reactivestreams.Publisher<Object> stubborn = subscriber -> {
            late.set(subscriber);
            subscriber.onSubscribe(new org.reactivestreams.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    cancellations.incrementAndGet();
                }
            });
        };
        java.util.List<Object> discarded = new java.util.concurrent.CopyOnWriteArrayList<>();
        Mono<Object> mono = ResilienceOperator.of(pipeline().timeout(timeout).build()).mono(stubborn)
                .doOnDiscard(Object.class, discarded::add);

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectError(TimeoutExceededException.class)
                .verify(VERIFY);
        late.get().onNext("a response holding a connection");

        assertThat(cancellations).hasValue(1);
        assertThat(discarded).containsExactly("a response holding a connection");
    }

    @Test
    void aTimedOutAttemptIsRetriedWithANewSubscription() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO)
                .retryExceptions(TimeoutExceededException.class).build(), clock);
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.builder().duration(Duration.ofSeconds(1)).build(),
                clock);
        Mono<String> source = counted(Mono.defer(() -> subscriptions.get() == 0 ? Mono.never() : Mono.just("ok")));
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().retry(retry).timeout(timeout).build())
                .mono(source);

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectNext("ok")
                .verifyComplete();

        assertThat(subscriptions).hasValue(2);
        assertThat(cancellations).hasValue(1);
    }

    @Test
    void aPlaceIsHeldFromSubscriptionToTheTerminalSignal() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(2).build(), clock);
        Sinks.One<String> response = Sinks.one();
        Mono<Object> mono = ResilienceOperator.of(pipeline().bulkhead(bulkhead).description("Client.fetch").build())
                .mono(response.asMono());

        StepVerifier.create(mono)
                .then(() -> assertThat(bulkhead.inFlightCalls()).singleElement()
                        .satisfies(call -> assertThat(call.call()).isEqualTo("Client.fetch")))
                .then(() -> response.tryEmitValue("done"))
                .expectNext("done")
                .verifyComplete();

        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void aSubscriptionWaitsForARateLimitPermitOnTheClockAndACancelledWaiterHandsItBack() {
        RateLimiter limiter = RateLimiter.of("limiter", RateLimiterConfig.builder().limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(Duration.ofSeconds(2)).build(), clock);
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().rateLimiter(limiter).build())
                .mono(counted(Mono.just("ok")));
        StepVerifier.create(mono).expectNext("ok").expectComplete().verify(VERIFY);

        StepVerifier.create(mono)
                .then(() -> assertThat(limiter.waitingCalls()).as("waiting on the timer").isEqualTo(1))
                .then(() -> assertThat(subscriptions).as("not subscribed while waiting").hasValue(1))
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectNext("ok")
                .expectComplete()
                .verify(VERIFY);
        assertThat(clock.slept()).as("no thread slept").isZero();

        StepVerifier.create(mono)
                .then(() -> assertThat(limiter.waitingCalls()).isEqualTo(1))
                .thenCancel()
                .verify(VERIFY);
        assertThat(limiter.waitingCalls()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquirePermission()).as("the cancelled waiter's permit came back").isTrue();
        assertThat(subscriptions).hasValue(2);
    }

    @Test
    void anOpenBreakerRejectsWithoutSubscribing() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        breaker.transitionTo(CircuitBreaker.State.OPEN);
        Mono<Object> mono = ResilienceOperator.of(pipeline().circuitBreaker(breaker).build())
                .mono(counted(Mono.just("never")));

        StepVerifier.create(mono).verifyError(CircuitBreakerOpenException.class);

        assertThat(subscriptions).hasValue(0);
    }

    @Test
    void aFallbackMayReturnAMonoOrAPlainValue() {
        Fallback<Object> fallback = Fallback.of("fallback", failure -> Mono.just("from fallback"));
        ResilienceOperator<Object> operator = ResilienceOperator.of(pipeline().fallback(fallback).build());

        StepVerifier.create(operator.mono(Mono.error(new IOException("down"))))
                .expectNext("from fallback").verifyComplete();
        StepVerifier.create(operator.withFallback(failure -> "plain " + failure.getMessage())
                        .mono(Mono.error(new IOException("down"))))
                .expectNext("plain down").verifyComplete();
        StepVerifier.create(operator.withFallback(failure -> Mono.error(new IllegalStateException("no luck")))
                        .mono(Mono.error(new IOException("down"))))
                .verifyErrorMessage("no luck");
    }

    @Test
    void theCallerSeesTheErrorTheSourceSignalledUnwrapped() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO).build(),
                clock);
        IOException down = new IOException("down");
        Mono<Object> mono = ResilienceOperator.of(pipeline().retry(retry).build()).mono(Mono.error(down));

        StepVerifier.create(mono).expectErrorSatisfies(error -> assertThat(error).isSameAs(down)).verify(VERIFY);
    }

    @Test
    void cancellingWhileARetryWaitsCallsTheRetryOff() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        AtomicBoolean thirdAttempt = new AtomicBoolean();
        Mono<String> mono = ResilienceOperator.<String>of(pipeline().retry(retry).build())
                .mono(failingFirst(5).doOnSubscribe(s -> thirdAttempt.set(subscriptions.get() >= 2)));

        StepVerifier.create(mono)
                .then(() -> assertThat(clock.pendingTasks()).as("the retry's wait").isEqualTo(1))
                .thenCancel()
                .verify(VERIFY);
        clock.advance(Duration.ofSeconds(5));

        assertThat(subscriptions).hasValue(1);
        assertThat(clock.pendingTasks()).isZero();
    }
}

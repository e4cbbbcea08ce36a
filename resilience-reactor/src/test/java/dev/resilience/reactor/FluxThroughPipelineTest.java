package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** A {@code Flux} through every policy: a call is a subscription up to its terminal signal. */
class FluxThroughPipelineTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final AtomicInteger cancellations = new AtomicInteger();
    private final List<Long> requests = new CopyOnWriteArrayList<>();

    private ResiliencePipeline.Builder pipeline() {
        return ResiliencePipeline.builder().asyncExecutor(Runnable::run).clock(clock);
    }

    private <T> Flux<T> counted(Flux<T> source) {
        return source.doOnSubscribe(s -> subscriptions.incrementAndGet())
                .doOnCancel(cancellations::incrementAndGet)
                .doOnRequest(requests::add);
    }

    private CircuitBreaker halfOpenBreaker(int trials) {
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().permittedCallsInHalfOpenState(trials).build(), clock);
        breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);
        return breaker;
    }

    @Test
    void theElementsFlowAndTheBreakerCountsTheCompletionAsOneSuccess() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().circuitBreaker(breaker).build())
                .flux(counted(Flux.range(1, 3)));

        assertThat(subscriptions).hasValue(0);
        StepVerifier.create(flux).expectNext(1, 2, 3).expectComplete().verify(VERIFY);

        assertThat(subscriptions).hasValue(1);
        assertThat(breaker.successfulCalls()).isEqualTo(1);
    }

    @Test
    void anErrorAfterElementsIsRetriedBySubscribingAgainSoTheElementsComeAgain() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        Flux<Integer> source = counted(Flux.defer(() -> subscriptions.get() < 1
                ? Flux.just(1, 2).concatWith(Flux.error(new IOException("broken stream")))
                : Flux.just(1, 2, 3)));
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().retry(retry).build()).flux(source);

        StepVerifier.create(flux)
                .expectNext(1, 2)
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectNext(1, 2, 3)
                .expectComplete()
                .verify(VERIFY);

        assertThat(subscriptions).as("one subscription per attempt").hasValue(2);
    }

    @Test
    void afterTheLastAttemptTheErrorFollowsAllItsElements() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO).build(),
                clock);
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().retry(retry).build())
                .flux(counted(Flux.just(7).concatWith(Flux.error(new IOException("down")))));

        StepVerifier.create(flux).expectNext(7, 7).expectError(IOException.class).verify(VERIFY);

        assertThat(subscriptions).hasValue(2);
    }

    @Test
    void demandIsCarriedFromOneAttemptToTheNext() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO).build(),
                clock);
        Flux<Integer> source = counted(Flux.defer(() -> subscriptions.get() < 1
                ? Flux.<Integer>error(new IOException("refused")) : Flux.range(1, 100)));
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().retry(retry).build()).flux(source);

        StepVerifier.create(flux, 0)
                .thenRequest(2)
                .expectNext(1, 2)
                .thenAwait(Duration.ZERO)
                .then(() -> assertThat(requests).as("each attempt is asked for what the subscriber still wants, "
                        + "no more").containsExactly(2L, 2L))
                .thenCancel()
                .verify(VERIFY);
    }

    @Test
    void cancellingBeforeAnyElementHandsThePermitsBackAndCountsNothing() {
        CircuitBreaker breaker = halfOpenBreaker(1);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Flux<Object> flux = ResilienceOperator.of(pipeline().circuitBreaker(breaker).bulkhead(bulkhead).build())
                .flux(counted(Flux.never()));

        StepVerifier.create(flux)
                .then(() -> assertThat(bulkhead.inFlightCalls()).hasSize(1))
                .thenCancel()
                .verify(VERIFY);

        assertThat(cancellations).hasValue(1);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
        assertThat(breaker.successfulCalls() + breaker.failedCalls() + breaker.ignoredCalls()).isZero();
        assertThat(breaker.tryAcquirePermit()).as("the half-open trial is free again").isNotNull();
    }

    @Test
    void cancellingAfterElementsCountsAsSuccessAndEndsTheSubscription() {
        CircuitBreaker breaker = halfOpenBreaker(1);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Sinks.Many<Integer> stream = Sinks.many().multicast().onBackpressureBuffer();
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().circuitBreaker(breaker).bulkhead(bulkhead)
                .build()).flux(counted(stream.asFlux()));

        StepVerifier.create(flux.take(2))
                .then(() -> stream.tryEmitNext(1))
                .expectNext(1)
                .then(() -> stream.tryEmitNext(2))
                .expectNext(2)
                .expectComplete()
                .verify(VERIFY);

        assertThat(cancellations).as("take(2) cancels the source").hasValue(1);
        assertThat(breaker.successfulCalls()).isEqualTo(1);
        assertThat(breaker.state()).as("the one successful trial closes it").isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void theTimeoutCoversTheWholeSubscriptionNotEachElement() {
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.builder().duration(Duration.ofSeconds(1)).build(),
                clock);
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Sinks.Many<Integer> stream = Sinks.many().multicast().onBackpressureBuffer();
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().timeout(timeout).bulkhead(bulkhead).build())
                .flux(counted(stream.asFlux()));

        StepVerifier.create(flux)
                .then(() -> clock.advance(Duration.ofMillis(600)))
                .then(() -> stream.tryEmitNext(1))
                .expectNext(1)
                .then(() -> clock.advance(Duration.ofMillis(400)))
                .expectError(TimeoutExceededException.class)
                .verify(VERIFY);

        assertThat(cancellations).as("the source is cancelled at the deadline").hasValue(1);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void aFallbackFluxFollowsTheElementsAlreadyDelivered() {
        Fallback<Object> fallback = Fallback.of("fallback", failure -> Flux.just(8, 9));
        Flux<Object> flux = ResilienceOperator.of(pipeline().fallback(fallback).build())
                .flux(Flux.just(1).concatWith(Flux.error(new IOException("down"))));

        StepVerifier.create(flux).expectNext(1, 8, 9).verifyComplete();
    }

    @Test
    void aPlaceIsHeldUntilTheTerminalSignal() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Sinks.Many<Integer> stream = Sinks.many().multicast().onBackpressureBuffer();
        Flux<Integer> flux = ResilienceOperator.<Integer>of(pipeline().bulkhead(bulkhead).build())
                .flux(stream.asFlux());

        StepVerifier.create(flux)
                .then(() -> stream.tryEmitNext(1))
                .expectNext(1)
                .then(() -> assertThat(bulkhead.activeCalls()).as("still streaming").isEqualTo(1))
                .then(stream::tryEmitComplete)
                .verifyComplete();

        assertThat(bulkhead.activeCalls()).isZero();
    }
}

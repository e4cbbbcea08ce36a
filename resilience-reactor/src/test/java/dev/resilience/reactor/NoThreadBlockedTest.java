package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** Waiting for a bulkhead place holds no thread: the pipeline's only thread keeps serving other work. */
class NoThreadBlockedTest {

    private final ManualClock clock = new ManualClock();
    private final ExecutorService single = Executors.newSingleThreadExecutor(r -> new Thread(r, "only-thread"));

    @AfterEach
    void tearDown() {
        single.shutdownNow();
    }

    @Test
    void aSubscriptionWaitingForAPlaceIsQueuedWhileTheOnlyThreadServesOtherWork() throws InterruptedException {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofSeconds(10)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(single).build();
        Sinks.One<String> first = Sinks.one();
        ResilienceOperator<String> operator = ResilienceOperator.of(pipeline);

        StepVerifier.Step<String> holder = StepVerifier.create(operator.mono(first.asMono()));
        StepVerifier.Step<String> waiter = StepVerifier.create(operator.mono(Mono.fromSupplier(
                () -> "second on " + Thread.currentThread().getName())));
        // Subscribe both from the single thread itself: if waiting parked it, nothing below could run.
        CountDownLatch subscribed = new CountDownLatch(1);
        StepVerifier[] verifiers = new StepVerifier[2];
        single.execute(() -> {
            verifiers[0] = holder.expectNext("first").expectComplete().verifyLater();
            verifiers[1] = waiter.expectNext("second on only-thread").expectComplete().verifyLater();
            subscribed.countDown();
        });
        assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();

        CountDownLatch otherWork = new CountDownLatch(1);
        single.execute(otherWork::countDown);
        assertThat(otherWork.await(5, TimeUnit.SECONDS)).as("the only thread is free while one call waits").isTrue();
        assertThat(bulkhead.waitingCalls()).isEqualTo(1);

        first.tryEmitValue("first");
        verifiers[0].verify(Duration.ofSeconds(5));
        verifiers[1].verify(Duration.ofSeconds(5));
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void aWaiterIsRejectedByTheTimerAtItsDeadline() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofSeconds(2)).build(), clock);
        ResilienceOperator<String> operator = ResilienceOperator.of(ResiliencePipeline.builder().bulkhead(bulkhead)
                .asyncExecutor(Runnable::run).build());
        Sinks.One<String> first = Sinks.one();

        StepVerifier holder = StepVerifier.create(operator.mono(first.asMono())).expectNext("first")
                .expectComplete().verifyLater();
        StepVerifier.create(operator.mono(Mono.just("never")))
                .then(() -> assertThat(bulkhead.waitingCalls()).isEqualTo(1))
                .then(() -> clock.advance(Duration.ofSeconds(2)))
                .expectError(BulkheadFullException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(bulkhead.waitingCalls()).isZero();
        first.tryEmitValue("first");
        holder.verify(Duration.ofSeconds(5));
    }

    @Test
    void cancellingAWaiterWithdrawsItFromTheQueue() {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofSeconds(2)).build(), clock);
        ResilienceOperator<String> operator = ResilienceOperator.of(ResiliencePipeline.builder().bulkhead(bulkhead)
                .asyncExecutor(Runnable::run).build());
        Sinks.One<String> first = Sinks.one();
        StepVerifier holder = StepVerifier.create(operator.mono(first.asMono())).expectNext("first")
                .expectComplete().verifyLater();

        StepVerifier.create(operator.mono(Mono.just("never")))
                .then(() -> assertThat(bulkhead.waitingCalls()).isEqualTo(1))
                .thenCancel()
                .verify(Duration.ofSeconds(5));

        assertThat(bulkhead.waitingCalls()).isZero();
        first.tryEmitValue("first");
        holder.verify(Duration.ofSeconds(5));
        assertThat(bulkhead.activeCalls()).isZero();
    }
}

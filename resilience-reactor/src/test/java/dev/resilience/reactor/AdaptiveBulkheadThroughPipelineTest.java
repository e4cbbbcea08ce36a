package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * An adaptive bulkhead in the reactive call style: the fixed bulkhead's rules (a place per subscription until its
 * terminal signal or cancellation, callers queued first come first served for the max wait, then rejected) with
 * the limit in force, on the manual clock.
 */
class AdaptiveBulkheadThroughPipelineTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();

    private final Bulkhead bulkhead = Bulkhead.of("adaptive", BulkheadConfig.builder()
            .type(BulkheadConfig.Type.ADAPTIVE).minConcurrentCalls(1).initialConcurrentCalls(2)
            .maxConcurrentCalls(10).maxWaitDuration(Duration.ofSeconds(1)).build(), clock);

    private final ResilienceOperator operator = ResilienceOperator.of(ResiliencePipeline.builder()
            .asyncExecutor(Runnable::run).clock(clock).bulkhead(bulkhead).build());

    @Test
    void subscriptionsBeyondTheLimitWaitAreGrantedWhenAPlaceFreesAndRejectedAtTheMaxWait() {
        Sinks.One<String> first = Sinks.one();
        Sinks.One<String> second = Sinks.one();
        Disposable firstCall = operator.mono(first.asMono()).subscribe();
        Disposable secondCall = operator.mono(second.asMono()).subscribe();
        assertThat(bulkhead.limit()).isEqualTo(2);
        assertThat(bulkhead.activeCalls()).isEqualTo(2);

        StepVerifier.create(operator.mono(Mono.fromSupplier(() -> "third")))
                .then(() -> assertThat(bulkhead.waitingCalls()).as("queued, holding no thread").isEqualTo(1))
                .then(() -> first.tryEmitValue("first"))
                .expectNext("third")
                .expectComplete()
                .verify(VERIFY);
        assertThat(firstCall.isDisposed()).as("the first call completed and left").isTrue();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);

        Sinks.One<String> fourth = Sinks.one();
        Disposable fourthCall = operator.mono(fourth.asMono()).subscribe();
        StepVerifier.create(operator.mono(Mono.fromSupplier(() -> "fifth")))
                .then(() -> assertThat(bulkhead.waitingCalls()).isEqualTo(1))
                .then(() -> clock.advance(Duration.ofMillis(999)))
                .then(() -> assertThat(bulkhead.waitingCalls()).as("not before the max wait").isEqualTo(1))
                .then(() -> clock.advance(Duration.ofMillis(1)))
                .expectError(BulkheadFullException.class)
                .verify(VERIFY);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);

        secondCall.dispose();
        fourthCall.dispose();
        assertThat(bulkhead.activeCalls()).as("a cancelled subscription gives its place back").isZero();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(bulkhead.limit()).as("neither a wait nor a cancellation moves the limit").isEqualTo(2);
    }
}

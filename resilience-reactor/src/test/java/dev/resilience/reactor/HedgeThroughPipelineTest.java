package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Hedging a publisher: each attempt is its own subscription; the losers' subscriptions are cancelled. */
class HedgeThroughPipelineTest {

    private final ManualClock clock = new ManualClock();
    private final List<Sinks.One<String>> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger cancellations = new AtomicInteger();
    private final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.builder().maxConcurrentCalls(5).build(), clock);
    private final Hedge hedge = Hedge.of("h", HedgeConfig.builder().delay(Duration.ofMillis(100)).build(), clock);
    private final ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(hedge).bulkhead(bulkhead)
            .asyncExecutor(Runnable::run).clock(clock).build();

    /** Each subscription gets a sink of its own, answered by the test. */
    private final Mono<String> source = Mono.defer(() -> {
        Sinks.One<String> sink = Sinks.one();
        attempts.add(sink);
        return sink.asMono();
    }).doOnCancel(cancellations::incrementAndGet);

    @Test
    void extraSubscriptionWinsAndTheFirstIsCancelled() {
        AtomicReference<String> result = new AtomicReference<>();
        ResilienceOperator.<String>of(pipeline).mono(source).subscribe(result::set);
        assertThat(attempts).hasSize(1);
        clock.advance(Duration.ofMillis(100));
        assertThat(attempts).hasSize(2);
        attempts.get(1).tryEmitValue("second");
        assertThat(result.get()).isEqualTo("second");
        assertThat(cancellations).hasValue(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(hedge.hedgeWins()).isEqualTo(1);
    }

    @Test
    void firstSubscriptionWinsAndTheExtraOneIsCancelled() {
        AtomicReference<String> result = new AtomicReference<>();
        ResilienceOperator.<String>of(pipeline).mono(source).subscribe(result::set);
        clock.advance(Duration.ofMillis(100));
        attempts.get(0).tryEmitValue("first");
        assertThat(result.get()).isEqualTo("first");
        assertThat(cancellations).hasValue(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }

    @Test
    void theSubscribersCancellationCancelsEveryAttempt() {
        Disposable subscription = ResilienceOperator.<String>of(pipeline).mono(source).subscribe();
        clock.advance(Duration.ofMillis(100));
        subscription.dispose();
        assertThat(cancellations).hasValue(2);
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        clock.advance(Duration.ofSeconds(1));
        assertThat(attempts).hasSize(2);
    }

    @Test
    void aFluxCannotBeHedgedAndSaysWhatToDoInstead() {
        assertThatThrownBy(() -> ResilienceOperator.<String>of(pipeline).flux(Flux.just("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has a hedge, which cannot run a Flux")
                .hasMessageContaining("collectList()");
    }
}

package dev.resilience.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.test.ManualClock;
import dev.resilience.test.QueuedExecutor;

/** An adaptive bulkhead in the pipeline: the fixed bulkhead's rejection and waiting, in each call style. */
class AdaptiveBulkheadPipelineTest {

    private final ManualClock clock = new ManualClock();
    private final QueuedExecutor executor = new QueuedExecutor();
    private final List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();

    private Bulkhead adaptive(int initial, Duration maxWait) {
        return Bulkhead.of("adaptive", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE)
                .initialConcurrentCalls(initial).maxWaitDuration(maxWait).build(), clock);
    }

    private CompletableFuture<String> pendingCall() {
        CompletableFuture<String> attempt = new CompletableFuture<>();
        attempts.add(attempt);
        return attempt;
    }

    @Test
    void aSynchronousCallFindingTheLimitReachedIsRejectedWithTheLimitInForce() throws Exception {
        Bulkhead bulkhead = adaptive(1, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).build();
        Bulkhead.Permit inside = bulkhead.acquire("another call");

        assertThatThrownBy(() -> pipeline.get(() -> "never")).isInstanceOf(BulkheadFullException.class)
                .hasMessage("bulkhead 'adaptive' is full: all 1 concurrent calls are in use");
        inside.release();
        assertThat(pipeline.get(() -> "in")).isEqualTo("in");
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void anAsynchronousCallWaitsInTheQueueAndIsGrantedWhenAPlaceIsFree() {
        Bulkhead bulkhead = adaptive(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(executor).build();

        CompletableFuture<String> first = pipeline.executeAsync(this::pendingCall);
        CompletableFuture<String> second = pipeline.executeAsync(this::pendingCall);

        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        attempts.get(0).complete("first");
        assertThat(first).isCompletedWithValue("first");
        assertThat(executor.runAll()).isEqualTo(1);
        attempts.get(1).complete("second");
        assertThat(second).isCompletedWithValue("second");
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.waitingCalls()).isZero();
    }

    @Test
    void anAsynchronousCallTheTimeoutGaveUpOnCountsAsOverloadWhenItEnds() {
        Bulkhead bulkhead = adaptive(30, Duration.ZERO);
        Timeout timeout = Timeout.of("timeout", TimeoutConfig.of(Duration.ofMillis(100)), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout).bulkhead(bulkhead)
                .asyncExecutor(executor).build();
        for (int i = 0; i < 30; i++) {
            pipeline.executeAsync(this::pendingCall);
        }

        clock.advance(Duration.ofMillis(100));
        executor.runAll();
        attempts.forEach(attempt -> attempt.complete("late"));

        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.limit()).as("timed-out calls shrink the limit").isLessThan(30);
    }

    @Test
    void aSynchronousCallFailingWithATimeoutShrinksTheLimitAndAClientErrorDoesNot() {
        Bulkhead bulkhead = adaptive(30, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).build();

        for (int i = 0; i < 40; i++) {
            assertThatThrownBy(() -> pipeline.call(() -> {
                throw new IllegalArgumentException("400");
            })).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(bulkhead.limit()).isEqualTo(30);
        for (int i = 0; i < 40; i++) {
            assertThatThrownBy(() -> pipeline.call(() -> {
                throw new TimeoutException("read timed out");
            })).isInstanceOf(TimeoutException.class);
        }
        assertThat(bulkhead.limit()).isLessThan(30);
    }
}

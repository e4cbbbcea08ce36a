package dev.resilience.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.test.ManualClock;

/** Asynchronous hedging: each attempt's own future; the losers' futures are cancelled and their places freed. */
class HedgeAsyncTest {

    private final ManualClock clock = new ManualClock();
    private final List<CompletableFuture<Object>> attempts = new CopyOnWriteArrayList<>();
    private final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.builder().maxConcurrentCalls(5).build(), clock);
    private final Hedge hedge = Hedge.of("h", HedgeConfig.builder().delay(Duration.ofMillis(100)).maxHedges(2)
            .build(), clock);
    private final ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(hedge).bulkhead(bulkhead)
            .asyncExecutor(Runnable::run).clock(clock).build();

    private CompletableFuture<Object> pendingAttempt() {
        CompletableFuture<Object> attempt = new CompletableFuture<>();
        attempts.add(attempt);
        return attempt;
    }

    @Test
    void anAttemptThatCompletesAtOnceIsNeverHedged() throws Exception {
        CompletableFuture<Object> result = pipeline.executeAsync(() -> CompletableFuture.completedFuture("now"));
        assertThat(result.get()).isEqualTo("now");
        assertThat(clock.pendingTasks()).isZero();
        assertThat(hedge.hedgesLaunched()).isZero();
    }

    @Test
    void extraAttemptsStartOneDelayApartAndTheWinnerCancelsTheOthers() throws Exception {
        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        assertThat(attempts).hasSize(1);
        clock.advance(Duration.ofMillis(99));
        assertThat(attempts).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(attempts).hasSize(2);
        clock.advance(Duration.ofMillis(100));
        assertThat(attempts).hasSize(3);
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
        clock.advance(Duration.ofMillis(1000));
        assertThat(attempts).as("maxHedges 2").hasSize(3);

        attempts.get(1).complete("second");
        assertThat(result.get()).isEqualTo("second");
        assertThat(attempts.get(0).isCancelled()).isTrue();
        assertThat(attempts.get(2).isCancelled()).isTrue();
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(hedge.hedgeWins()).isEqualTo(1);
        assertThat(hedge.hedgedCalls()).isEqualTo(1);
        assertThat(hedge.hedgesLaunched()).isEqualTo(2);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void firstAttemptWinningCancelsTheExtraOneAndTheTimer() throws Exception {
        Hedge one = Hedge.of("one", HedgeConfig.builder().delay(Duration.ofMillis(100)).maxHedges(3).build(), clock);
        ResiliencePipeline hedged = ResiliencePipeline.builder().hedge(one).bulkhead(bulkhead)
                .asyncExecutor(Runnable::run).clock(clock).build();
        CompletableFuture<Object> result = hedged.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofMillis(100));
        attempts.get(0).complete("first");
        assertThat(result.get()).isEqualTo("first");
        assertThat(attempts.get(1).isCancelled()).isTrue();
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(clock.pendingTasks()).as("no further extra attempt scheduled").isZero();
        assertThat(one.hedgeWins()).isZero();
    }

    @Test
    void whenEveryAttemptFailsTheFirstAttemptsFailureComesWithTheOthersSuppressed() {
        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofMillis(200));
        attempts.get(2).completeExceptionally(new IOException("third"));
        attempts.get(0).completeExceptionally(new IOException("first"));
        assertThat(result).isNotDone();
        attempts.get(1).completeExceptionally(new IOException("second"));
        Throwable failure = result.handle((value, thrown) -> thrown).join();
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("first");
        assertThat(failure.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second", "third");
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }

    @Test
    void theCallersCancellationStopsEveryAttempt() {
        CompletableFuture<Object> result = pipeline.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofMillis(100));
        result.cancel(true);
        assertThat(attempts).hasSize(2).allSatisfy(attempt -> assertThat(attempt.isCancelled()).isTrue());
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        clock.advance(Duration.ofMillis(1000));
        assertThat(attempts).hasSize(2);
    }

    @Test
    void eachAttemptHasItsOwnTimeoutInside() throws Exception {
        Timeout timeout = Timeout.of("t", TimeoutConfig.builder().duration(Duration.ofMillis(150))
                .cancelRunningFuture(true).build(), clock);
        ResiliencePipeline hedged = ResiliencePipeline.builder().hedge(hedge).timeout(timeout).bulkhead(bulkhead)
                .asyncExecutor(Runnable::run).clock(clock).build();
        CompletableFuture<Object> result = hedged.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofMillis(150)); // the first attempt times out; the second runs until 250 ms
        assertThat(attempts.get(0).isCancelled()).isTrue();
        assertThat(result).isNotDone();
        attempts.get(1).complete("second");
        assertThat(result.get()).isEqualTo("second");
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }

    @Test
    void aReconfiguredHedgeUsesItsNewSettingsFromTheNextCallKeepingItsCounters() throws Exception {
        CompletableFuture<Object> before = pipeline.executeAsync(this::pendingAttempt);
        attempts.get(0).complete("quick");
        assertThat(before.get()).isEqualTo("quick");

        hedge.reconfigure(HedgeConfig.builder().delay(Duration.ofMillis(30)).maxHedges(1).build());
        assertThat(hedge.config().delay()).isEqualTo(HedgeDelay.of(Duration.ofMillis(30)));
        assertThat(hedge.currentDelay()).isEqualTo(Duration.ofMillis(30));
        CompletableFuture<Object> after = pipeline.executeAsync(this::pendingAttempt);
        clock.advance(Duration.ofMillis(30));
        assertThat(attempts).hasSize(3);
        clock.advance(Duration.ofMillis(300));
        assertThat(attempts).as("maxHedges 1 now").hasSize(3);
        attempts.get(2).complete("extra");
        assertThat(after.get()).isEqualTo("extra");
        assertThat(hedge.calls()).isEqualTo(2);
    }

    @Test
    void aPercentileDelayUsesItsFallbackUntilFiftyCallsAreMeasuredThenTheLearntOne() throws Exception {
        Hedge learning = Hedge.of("learning", HedgeConfig.builder().delay("p95")
                .delayFallback(Duration.ofMillis(500)).build(), clock);
        ResiliencePipeline hedged = ResiliencePipeline.builder().hedge(learning).asyncExecutor(Runnable::run)
                .clock(clock).build();
        for (int call = 0; call < 50; call++) {
            assertThat(learning.currentDelay()).as("call %d", call).isEqualTo(Duration.ofMillis(500));
            CompletableFuture<Object> result = hedged.executeAsync(this::pendingAttempt);
            clock.advance(Duration.ofMillis(20));
            attempts.get(attempts.size() - 1).complete("ok");
            assertThat(result.get()).isEqualTo("ok");
        }
        assertThat(learning.currentDelay()).isBetween(Duration.ofMillis(20), Duration.ofMillis(21));
        assertThat(learning.hedgesLaunched()).isZero();
    }
}

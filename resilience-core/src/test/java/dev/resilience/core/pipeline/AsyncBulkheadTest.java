package dev.resilience.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.bulkhead.InFlightCall;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;
import dev.resilience.test.QueuedExecutor;

/** Asynchronous calls and the bulkhead: waiting is a queue, not a thread; a place counts the real work. */
class AsyncBulkheadTest {

    private final ManualClock clock = new ManualClock();
    private final QueuedExecutor executor = new QueuedExecutor();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();

    private Bulkhead waitingBulkhead(int places, Duration maxWait) {
        return Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(places).maxWaitDuration(maxWait)
                .build(), clock);
    }

    private Timeout timeout(Duration duration) {
        return Timeout.of("timeout", TimeoutConfig.of(duration), clock);
    }

    private CompletableFuture<String> pendingCall() {
        calls.incrementAndGet();
        CompletableFuture<String> attempt = new CompletableFuture<>();
        attempts.add(attempt);
        return attempt;
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((value, failure) -> failure).join();
    }

    @Test
    void aCallQueuedForAPlaceHoldsNoThreadAndRunsOnTheExecutorWhenAPlaceIsHandedToIt() throws Exception {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(executor).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");

        CompletableFuture<String> result = pipeline.executeAsync(this::pendingCall);

        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        assertThat(executor.pending()).as("no task waits for the place").isZero();
        assertThat(calls).hasValue(0);

        heldElsewhere.release();
        assertThat(calls).as("granted on the releasing thread, run on the executor").hasValue(0);
        assertThat(executor.runAll()).isEqualTo(1);
        assertThat(calls).hasValue(1);
        assertThat(bulkhead.activeCalls()).isEqualTo(1);

        attempts.get(0).complete("done");
        assertThat(result).isCompletedWithValue("done");
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void aQueuedCallFailsWithBulkheadFullAtItsDeadlineOnTheClock() {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(3));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(executor).build();
        pipeline.executeAsync(this::pendingCall); // takes the place and keeps it

        CompletableFuture<String> result = pipeline.executeAsync(this::pendingCall);
        clock.advance(Duration.ofSeconds(3).minusNanos(1));
        executor.runAll();
        assertThat(result).isNotDone();

        clock.advance(1);
        executor.runAll();

        assertThat(failureOf(result)).isInstanceOf(BulkheadFullException.class);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(calls).hasValue(1);
    }

    @Test
    void queuedCallsAreServedFirstComeFirstServed() {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(executor).build();
        List<String> order = new CopyOnWriteArrayList<>();
        pipeline.executeAsync(this::pendingCall);
        for (String caller : List.of("first", "second", "third")) {
            pipeline.executeAsync(() -> {
                order.add(caller);
                return CompletableFuture.completedFuture(caller);
            });
        }
        assertThat(bulkhead.waitingCalls()).isEqualTo(3);

        attempts.get(0).complete("done");
        executor.runAll();

        assertThat(order).containsExactly("first", "second", "third");
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void theTimeoutWithdrawsACallStillWaitingForAPlace() throws Exception {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                .bulkhead(bulkhead).asyncExecutor(executor).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");

        CompletableFuture<String> result = pipeline.executeAsync(this::pendingCall);
        clock.advance(Duration.ofSeconds(1));
        executor.runAll();

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
        assertThat(bulkhead.waitingCalls()).as("withdrawn from the queue").isZero();
        heldElsewhere.release();
        executor.runAll();
        assertThat(calls).as("the withdrawn call never runs").hasValue(0);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void cancellingACallStillWaitingForAPlaceWithdrawsIt() throws Exception {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).asyncExecutor(executor).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");

        CompletableFuture<String> result = pipeline.executeAsync(this::pendingCall);
        result.cancel(true);

        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("its deadline is cancelled too").isZero();
        heldElsewhere.release();
        executor.runAll();
        assertThat(calls).hasValue(0);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void workThatTimedOutKeepsItsPlaceAndIsShownAsTimedOutUntilItEnds() {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                .bulkhead(bulkhead).asyncExecutor(executor).description("Inventory.fetch").build();

        CompletableFuture<String> result = pipeline.executeAsync(this::pendingCall);
        assertThat(bulkhead.inFlightCalls()).singleElement().extracting(InFlightCall::timedOut).isEqualTo(false);
        clock.advance(Duration.ofSeconds(1));
        executor.runAll();

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
        assertThat(bulkhead.inFlightCalls()).singleElement().satisfies(call -> {
            assertThat(call.call()).isEqualTo("Inventory.fetch");
            assertThat(call.timedOut()).isTrue();
        });
        assertThat(failureOf(pipeline.executeAsync(this::pendingCall))).as("the place is still taken")
                .isInstanceOf(BulkheadFullException.class);

        attempts.get(0).complete("late");
        assertThat(bulkhead.inFlightCalls()).isEmpty();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void aTimeoutThatFiresWhileAGrantedCallIsStartingStillCancelsThatCall() throws Exception {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        Timeout cancelling = Timeout.of("cancelling", TimeoutConfig.builder().duration(Duration.ofSeconds(1))
                .cancelRunningFuture(true).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(cancelling).bulkhead(bulkhead)
                .asyncExecutor(executor).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");
        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            // The deadline passes while the call is starting: after the grant, before it returns its future.
            clock.advance(Duration.ofSeconds(1));
            return pendingCall();
        });
        heldElsewhere.release();

        executor.runAll();

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
        assertThat(attempts).singleElement().satisfies(call -> assertThat(call).isCancelled());
        assertThat(bulkhead.activeCalls()).as("the place is freed at the cancellation").isZero();
    }

    @Test
    void aTimeoutThatFiresWhileAGrantedCallIsStartingMarksThatCallWhenItMayRunOn() throws Exception {
        Bulkhead bulkhead = waitingBulkhead(1, Duration.ofSeconds(30));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                .bulkhead(bulkhead).asyncExecutor(executor).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");
        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            clock.advance(Duration.ofSeconds(1));
            return pendingCall();
        });
        heldElsewhere.release();

        executor.runAll();

        assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
        assertThat(attempts.get(0)).isNotDone();
        assertThat(bulkhead.inFlightCalls()).singleElement().extracting(InFlightCall::timedOut).isEqualTo(true);
    }

    @Test
    void aCallGrantedAtOnceByAWaitingBulkheadIsWhatTheTimeoutCancelsOrMarks() {
        Bulkhead bulkhead = waitingBulkhead(2, Duration.ofSeconds(30));
        Timeout cancelling = Timeout.of("cancelling", TimeoutConfig.builder().duration(Duration.ofSeconds(1))
                .cancelRunningFuture(true).build(), clock);
        ResiliencePipeline cancels = ResiliencePipeline.builder().timeout(cancelling).bulkhead(bulkhead)
                .asyncExecutor(executor).build();
        ResiliencePipeline marks = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                .bulkhead(bulkhead).asyncExecutor(executor).build();

        CompletableFuture<String> cancelled = cancels.executeAsync(this::pendingCall);
        CompletableFuture<String> marked = marks.executeAsync(this::pendingCall);
        clock.advance(Duration.ofSeconds(1));
        executor.runAll();

        assertThat(failureOf(cancelled)).isInstanceOf(TimeoutExceededException.class);
        assertThat(failureOf(marked)).isInstanceOf(TimeoutExceededException.class);
        assertThat(attempts.get(0)).as("cancel-running-future reaches the running call").isCancelled();
        assertThat(attempts.get(1)).isNotDone();
        assertThat(bulkhead.inFlightCalls()).singleElement().extracting(InFlightCall::timedOut).isEqualTo(true);
    }

    /**
     * As a user met it on a two-core machine: a 300 ms timeout around a one-place bulkhead with a 3 s wait.
     * Waiting callers used to park the executor's only worker, and the timeouts queued behind them for
     * seconds. Now every caller learns of its timeout on time. Real time is the subject: generous bounds.
     */
    @Test
    void everyCallerLearnsOfItsTimeoutOnTimeWhileOthersWaitForThePlace() throws Exception {
        ExecutorService oneWorker = Executors.newSingleThreadExecutor();
        try {
            Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(1)
                    .maxWaitDuration(Duration.ofSeconds(3)).build(), Clock.system());
            Timeout timeout = Timeout.of("timeout", TimeoutConfig.of(Duration.ofMillis(300)), Clock.system());
            ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout).bulkhead(bulkhead)
                    .asyncExecutor(oneWorker).build();
            long start = System.nanoTime();

            List<CompletableFuture<String>> results = List.of(pipeline.executeAsync(CompletableFuture::new),
                    pipeline.executeAsync(CompletableFuture::new), pipeline.executeAsync(CompletableFuture::new));

            for (CompletableFuture<String> result : results) {
                try {
                    result.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException expected) {
                    assertThat(expected.getCause()).isInstanceOf(TimeoutExceededException.class);
                }
            }
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(tookMillis).as("all three timed out at about 300 ms, not after the 3 s waits")
                    .isLessThan(2_000);
            assertThat(bulkhead.waitingCalls()).isZero();
        } finally {
            oneWorker.shutdownNow();
        }
    }
}

package dev.resilience.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryBudgetConfig;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.test.ManualClock;

/**
 * Synchronous hedging on the manual clock: the first attempt on the caller's thread, extra attempts on a real
 * executor, the delay driven by advancing the clock. Threads meet at latches, never at sleeps.
 */
class HedgeSyncTest {

    private static final long WAIT_SECONDS = 10;

    private final ManualClock clock = new ManualClock();
    private final ExecutorService hedgeThreads = Executors.newFixedThreadPool(2);
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.builder().maxConcurrentCalls(5).build(), clock);
    private final Hedge hedge = Hedge.of("h", HedgeConfig.builder().delay(Duration.ofMillis(100))
            .executor(hedgeThreads).build(), clock);

    @AfterEach
    void stop() {
        hedgeThreads.shutdownNow();
        callers.shutdownNow();
    }

    private ResiliencePipeline pipeline() {
        return ResiliencePipeline.builder().hedge(hedge).bulkhead(bulkhead).clock(clock).build();
    }

    /** Runs the call on a caller thread; the result says also whether that thread was left interrupted. */
    private Future<Object[]> callOnAnotherThread(ResiliencePipeline pipeline, CheckedSupplier<Object> call) {
        return callers.submit(() -> {
            Object outcome;
            try {
                outcome = pipeline.execute(call);
            } catch (Throwable failure) {
                outcome = failure;
            }
            return new Object[] {outcome, Thread.currentThread().isInterrupted()};
        });
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("latch").isTrue();
    }

    /** Whether a thread of the hedge's executor runs a task without an interrupt left on it (both threads). */
    private void assertHedgeThreadsNotInterrupted() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(hedgeThreads.submit(() -> Thread.currentThread().isInterrupted()).get(WAIT_SECONDS,
                    TimeUnit.SECONDS)).isFalse();
        }
    }

    @Test
    void callThatReturnsBeforeTheDelayIsNeverHedgedAndLeavesNoTimerBehind() throws Throwable {
        ResiliencePipeline pipeline = pipeline();
        for (int i = 0; i < 1000; i++) {
            assertThat(pipeline.execute(() -> "fast")).isEqualTo("fast");
        }
        assertThat(clock.pendingTasks()).isEqualTo(1); // one sweep for the hedge, not one timer per call
        clock.advance(Duration.ofMillis(100));
        assertThat(clock.pendingTasks()).isZero();
        assertThat(hedge.calls()).isEqualTo(1000);
        assertThat(hedge.hedgesLaunched()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }

    @Test
    void extraAttemptWinsAndTheCallersThreadIsInterruptedThenCleared() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<Throwable> firstEnded = new AtomicReference<>();
        Future<Object[]> caller = callOnAnotherThread(pipeline(), () -> {
            if (attempts.incrementAndGet() == 1) {
                firstStarted.countDown();
                try {
                    new CountDownLatch(1).await(); // slow: until interrupted
                } catch (InterruptedException stopped) {
                    firstEnded.set(stopped);
                    throw stopped;
                }
            }
            return "extra";
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        Object[] outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(outcome[0]).isEqualTo("extra");
        assertThat(outcome[1]).as("caller's thread left interrupted").isEqualTo(false);
        assertThat(firstEnded.get()).isInstanceOf(InterruptedException.class);
        assertThat(attempts.get()).isEqualTo(2);
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(hedge.hedgedCalls()).isEqualTo(1);
        assertThat(hedge.hedgeWins()).isEqualTo(1);
        assertHedgeThreadsNotInterrupted();
    }

    @Test
    void firstAttemptWinsAndTheExtraOneIsInterruptedItsPlaceFreedItsThreadCleared() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch extraStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        CountDownLatch extraEnded = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Future<Object[]> caller = callOnAnotherThread(pipeline(), () -> {
            if (attempts.incrementAndGet() == 1) {
                firstStarted.countDown();
                releaseFirst.await();
                return "first";
            }
            extraStarted.countDown();
            try {
                new CountDownLatch(1).await();
                return "extra";
            } finally {
                extraEnded.countDown();
            }
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        await(extraStarted);
        assertThat(bulkhead.availablePermits()).isEqualTo(3);
        releaseFirst.countDown();
        Object[] outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(outcome[0]).isEqualTo("first");
        assertThat(outcome[1]).isEqualTo(false);
        await(extraEnded);
        assertHedgeThreadsNotInterrupted(); // the loser's thread went back to its pool uninterrupted
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(hedge.hedgesLaunched()).isEqualTo(1);
        assertThat(hedge.hedgeWins()).isZero();
    }

    @Test
    void whenEveryAttemptFailsTheCallerGetsTheFirstAttemptsFailureWithTheOthersSuppressed() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch extraFailed = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Future<Object[]> caller = callOnAnotherThread(pipeline(), () -> {
            if (attempts.incrementAndGet() == 1) {
                firstStarted.countDown();
                extraFailed.await();
                throw new IOException("first");
            }
            extraFailed.countDown();
            throw new IOException("extra");
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        Object outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS)[0];
        assertThat((Throwable) outcome).isInstanceOf(IOException.class).hasMessage("first");
        Throwable[] suppressed = ((Throwable) outcome).getSuppressed();
        assertThat(suppressed).hasSize(1);
        assertThat(suppressed[0]).isInstanceOf(IOException.class).hasMessage("extra");
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }

    @Test
    void aResultTheCancelPredicateRefusesDoesNotWin() throws Exception {
        Hedge picky = Hedge.of("picky", HedgeConfig.builder().delay(Duration.ofMillis(100)).executor(hedgeThreads)
                .cancelOnResult(result -> !"partial".equals(result)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(picky).clock(clock).build();
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch extraDone = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Future<Object[]> caller = callOnAnotherThread(pipeline, () -> {
            if (attempts.incrementAndGet() == 1) {
                firstStarted.countDown();
                extraDone.await(); // the extra attempt's "partial" must not cancel this one
                return "complete";
            }
            extraDone.countDown();
            return "partial";
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        assertThat(caller.get(WAIT_SECONDS, TimeUnit.SECONDS)[0]).isEqualTo("complete");
    }

    @Test
    void cancelledLosersAreNotCountedByTheBreaker() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("cb", CircuitBreakerConfig.ofDefaults(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(hedge).circuitBreaker(breaker)
                .bulkhead(bulkhead).clock(clock).build();
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        Future<Object[]> caller = callOnAnotherThread(pipeline, () -> {
            if (attempts.incrementAndGet() == 1) {
                firstStarted.countDown();
                new CountDownLatch(1).await();
            }
            return "extra";
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        assertThat(caller.get(WAIT_SECONDS, TimeUnit.SECONDS)[0]).isEqualTo("extra");
        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.successfulCalls()).isEqualTo(1);
    }

    @Test
    void extraAttemptsAreTakenFromTheRetryBudget() throws Exception {
        RetryBudget budget = RetryBudget.of("shared", RetryBudgetConfig.builder().maxRetryRatio(0.1)
                .minRetriesPerSecond(0.1).window(Duration.ofSeconds(10)).build(), clock); // floor: 1 in the window
        Retry retry = Retry.of("r", RetryConfig.builder().maxAttempts(1).budget(budget).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).hedge(hedge).clock(clock).build();
        for (int call = 1; call <= 2; call++) {
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger attempts = new AtomicInteger();
            AtomicBoolean extraRan = new AtomicBoolean();
            Future<Object[]> caller = callOnAnotherThread(pipeline, () -> {
                if (attempts.incrementAndGet() == 1) {
                    firstStarted.countDown();
                    release.await();
                    return "first";
                }
                extraRan.set(true);
                return "extra";
            });
            await(firstStarted);
            clock.advance(Duration.ofMillis(100));
            if (call == 2) {
                release.countDown(); // no extra attempt came: the first one decides
            }
            Object outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS)[0];
            assertThat(outcome).as("call %d", call).isEqualTo(call == 1 ? "extra" : "first");
            assertThat(extraRan.get()).as("call %d", call).isEqualTo(call == 1);
            release.countDown();
        }
        assertThat(hedge.hedgesLaunched()).isEqualTo(1);
        assertThat(budget.rejectedRetries()).isEqualTo(1);
    }

    @Test
    void manyConcurrentCallersEachGetTheirOwnOutcome() throws Exception {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(hedge).clock(clock).build();
        int threads = 4;
        int calls = 20_000;
        CountDownLatch done = new CountDownLatch(threads);
        AtomicInteger wrong = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            int offset = t * calls;
            callers.execute(() -> {
                try {
                    for (int i = 0; i < calls; i++) {
                        int expected = offset + i;
                        Object got = pipeline.execute(() -> expected);
                        if (!Integer.valueOf(expected).equals(got)) {
                            wrong.incrementAndGet();
                        }
                    }
                } catch (Throwable unexpected) {
                    wrong.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        await(done);
        assertThat(wrong.get()).isZero();
        assertThat(hedge.calls()).isEqualTo((long) threads * calls);
        assertThat(hedge.hedgesLaunched()).isZero();
    }

    @Test
    void aFailureIsRethrownAsIsWhenNotHedged() {
        ResiliencePipeline pipeline = pipeline();
        assertThatThrownBy(() -> pipeline.execute(() -> {
            throw new IOException("checked");
        })).isInstanceOf(IOException.class).hasMessage("checked");
    }

    @Test
    void aCallerInterruptedWhileWaitingForTheExtraAttemptGetsTheFirstFailureKeepsItsInterruptAndStopsTheOthers()
            throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch extraStarted = new CountDownLatch(1);
        CountDownLatch extraEnded = new CountDownLatch(1);
        AtomicReference<Thread> callerThread = new AtomicReference<>();
        AtomicInteger attempts = new AtomicInteger();
        Future<Object[]> caller = callOnAnotherThread(pipeline(), () -> {
            if (attempts.incrementAndGet() == 1) {
                callerThread.set(Thread.currentThread());
                firstStarted.countDown();
                extraStarted.await();
                throw new IOException("first");
            }
            extraStarted.countDown();
            try {
                new CountDownLatch(1).await();
                return "extra";
            } finally {
                extraEnded.countDown();
            }
        });
        await(firstStarted);
        clock.advance(Duration.ofMillis(100));
        await(extraStarted);
        // the first attempt fails; the caller waits for the extra one, until it is interrupted
        while (!(java.util.concurrent.locks.LockSupport.getBlocker(callerThread.get())
                instanceof SyncRace)) {
            Thread.onSpinWait(); // parked in the race, waiting for the extra attempt
        }
        callerThread.get().interrupt();
        Object[] outcome = caller.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat((Throwable) outcome[0]).isInstanceOf(IOException.class).hasMessage("first");
        assertThat(outcome[1]).as("the caller's own interrupt is kept").isEqualTo(true);
        await(extraEnded);
        assertHedgeThreadsNotInterrupted();
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
    }
}

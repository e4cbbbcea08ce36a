package dev.resilience.core.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;
import dev.resilience.test.QueuedExecutor;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

class TimeoutTest {

    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private final Timeout timeout = Timeout.of("inventory", TimeoutConfig.of(ONE_SECOND), clock);

    @AfterEach
    void noInterruptLeftOnTheTestThread() {
        assertThat(Thread.interrupted()).as("interrupt left on the test thread").isFalse();
    }

    @Nested
    class Synchronous {

        @Test
        void interruptsACallBlockedOnALatchAtTheDeadline() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch neverReleased = new CountDownLatch(1);
            Worker<String> worker = Worker.start("caller", () -> execute(timeout, () -> {
                entered.countDown();
                neverReleased.await();
                return "late";
            }));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            clock.advance(ONE_SECOND.minusNanos(1));
            assertThat(clock.pendingTasks()).as("timer still waiting 1ns before the deadline").isEqualTo(1);
            assertThat(timeout.timedOutCalls()).isZero();

            clock.advance(1);
            Outcome<String> outcome = worker.await();

            assertThat(outcome.failure()).isInstanceOf(TimeoutExceededException.class)
                    .hasMessage("timeout 'inventory' exceeded: the call did not finish within 1000ms")
                    .hasCauseInstanceOf(InterruptedException.class);
            TimeoutExceededException exceeded = (TimeoutExceededException) outcome.failure();
            assertThat(exceeded.timeoutName()).isEqualTo("inventory");
            assertThat(exceeded.duration()).isEqualTo(ONE_SECOND);
            assertThat(outcome.interruptedAfterwards()).as("interrupt leaked to the caller").isFalse();
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(clock.pendingTasks()).isZero();
        }

        @Test
        void interruptsACallSleepingOnTheCallersThreadAtTheDeadline() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            AtomicReference<Thread> runningOn = new AtomicReference<>();
            Worker<String> worker = Worker.start("sleeper", () -> execute(timeout, () -> {
                runningOn.set(Thread.currentThread());
                entered.countDown();
                Thread.sleep(60_000);
                return "late";
            }));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            clock.advance(Duration.ofMillis(1500));
            Outcome<String> outcome = worker.await();

            assertThat(runningOn.get()).as("the call runs on the caller's thread").isSameAs(worker.thread);
            assertThat(outcome.failure()).isInstanceOf(TimeoutExceededException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(outcome.interruptedAfterwards()).isFalse();
        }

        @Test
        void theCallersNextCallIsNotHitByTheInterrupt() throws Exception {
            CountDownLatch entered = new CountDownLatch(1);
            Worker<String> worker = Worker.start("caller", () -> {
                try {
                    execute(timeout, () -> {
                        entered.countDown();
                        Thread.sleep(60_000);
                        return "late";
                    });
                } catch (TimeoutExceededException expected) {
                    // the next call on the same thread must be able to block undisturbed
                }
                return execute(timeout, () -> {
                    Thread.sleep(1); // would throw InterruptedException if the interrupt had leaked
                    return "next";
                });
            });
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            clock.advance(ONE_SECOND);
            Outcome<String> outcome = worker.await();

            assertThat(outcome.failure()).isNull();
            assertThat(outcome.value()).isEqualTo("next");
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(timeout.successfulCalls()).isEqualTo(1);
        }

        @Test
        void callFinishingInTimeReturnsItsValueAndCancelsTheTimer() throws Throwable {
            String value = execute(timeout, () -> {
                assertThat(clock.pendingTasks()).as("timer armed while the call runs").isEqualTo(1);
                return "stock: 7";
            });

            assertThat(value).isEqualTo("stock: 7");
            assertThat(clock.pendingTasks()).isZero();
            clock.advance(Duration.ofSeconds(10));
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(timeout.successfulCalls()).isEqualTo(1);
            assertThat(timeout.failedCalls()).isZero();
            assertThat(timeout.timedOutCalls()).isZero();
        }

        @Test
        void callThrowingInTimeGetsItsOwnExceptionUnchanged() {
            IOException failure = new IOException("connection reset");

            assertThatThrownBy(() -> execute(timeout, () -> {
                throw failure;
            })).isSameAs(failure);

            assertThat(clock.pendingTasks()).isZero();
            assertThat(timeout.failedCalls()).isEqualTo(1);
            assertThat(timeout.successfulCalls()).isZero();
            assertThat(timeout.timedOutCalls()).isZero();
        }

        @Test
        void callIgnoringTheInterruptAndReturningLateTimesOutWithTheInterruptCleared() {
            assertThatThrownBy(() -> execute(timeout, () -> {
                clock.advance(Duration.ofMillis(1200)); // the deadline passes while the call is busy
                assertThat(Thread.currentThread().isInterrupted()).as("interrupted at the deadline").isTrue();
                return "too late";
            })).isInstanceOf(TimeoutExceededException.class).hasNoCause();

            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(timeout.successfulCalls()).isZero();
        }

        @Test
        void callThrowingAfterTheDeadlineTimesOutWithItsExceptionAsTheCause() {
            IllegalStateException late = new IllegalStateException("late failure");

            assertThatThrownBy(() -> execute(timeout, () -> {
                clock.advance(ONE_SECOND);
                throw late;
            })).isInstanceOf(TimeoutExceededException.class).hasCause(late);

            assertThat(Thread.currentThread().isInterrupted()).isFalse();
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(timeout.failedCalls()).isZero();
        }

        @Test
        void aLimitTooLongForALongOfNanosecondsMeansPracticallyNever() throws Throwable {
            Timeout patient = Timeout.of("patient", TimeoutConfig.of(Duration.ofDays(365L * 1000)), clock);

            String value = execute(patient, () -> {
                clock.advance(Duration.ofDays(365L * 100));
                return "done";
            });

            assertThat(value).isEqualTo("done");
            assertThat(patient.timedOutCalls()).isZero();
        }

        @Test
        void countsEachOutcomeOnce() throws Throwable {
            execute(timeout, () -> "a");
            execute(timeout, () -> "b");
            try {
                execute(timeout, () -> {
                    throw new IllegalArgumentException("bad");
                });
            } catch (IllegalArgumentException expected) {
                // counted as failed
            }
            try {
                execute(timeout, () -> {
                    clock.advance(ONE_SECOND);
                    return "late";
                });
            } catch (TimeoutExceededException expected) {
                // counted as timed out
            }

            assertThat(timeout.successfulCalls()).isEqualTo(2);
            assertThat(timeout.failedCalls()).isEqualTo(1);
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
        }

        @Test
        void publishesATimeoutEventWithTheLimit() {
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            timeout.events().onEvent(events::add);

            assertThatThrownBy(() -> execute(timeout, () -> {
                clock.advance(ONE_SECOND);
                return "late";
            })).isInstanceOf(TimeoutExceededException.class);

            assertThat(events).hasSize(1);
            ResilienceEvent event = events.get(0);
            assertThat(event.type()).isEqualTo(EventType.TIMEOUT);
            assertThat(event.policy()).isEqualTo(PolicyKind.TIMEOUT);
            assertThat(event.name()).isEqualTo("inventory");
            assertThat(event.duration()).isEqualTo(ONE_SECOND);
            assertThat(event.time()).isEqualTo(Instant.parse("2026-01-01T00:00:01Z"));
        }

        @Test
        void noEventForCallsFinishingInTime() throws Throwable {
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            timeout.events().onEvent(events::add);

            execute(timeout, () -> "fast");

            assertThat(events).isEmpty();
        }
    }

    /** The real timer is the subject here: real time, with finite, generous bounds. */
    @Nested
    class RealTimer {

        @Test
        void sleepingCallReturnsWithTimeoutExceededSoonAfterTheDeadline() {
            Timeout realTimeout = Timeout.of("slow", Duration.ofMillis(200));
            long start = System.nanoTime();

            assertThatThrownBy(() -> execute(realTimeout, () -> {
                Thread.sleep(5000);
                return "late";
            })).isInstanceOf(TimeoutExceededException.class)
                    .hasMessage("timeout 'slow' exceeded: the call did not finish within 200ms");

            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(2));
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        }

        @Test
        void tenThousandTimedOutCallsLeaveNoExtraThreadsAndNoInterrupt() throws Exception {
            Timeout tight = Timeout.of("tight", Duration.ofMillis(1));
            CheckedSupplier<String> blocking = () -> {
                Thread.sleep(10_000);
                return "late";
            };
            // Start the shared timer thread before counting, so the baseline includes it.
            assertThatThrownBy(() -> execute(tight, blocking)).isInstanceOf(TimeoutExceededException.class);
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

            int workers = 8;
            int callsPerWorker = 1_250;
            AtomicInteger timedOut = new AtomicInteger();
            AtomicInteger otherOutcomes = new AtomicInteger();
            AtomicInteger interruptsLeft = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Thread thread = new Thread(() -> {
                    awaitUninterruptibly(start);
                    for (int i = 0; i < callsPerWorker; i++) {
                        try {
                            execute(tight, blocking);
                            otherOutcomes.incrementAndGet();
                        } catch (TimeoutExceededException expected) {
                            timedOut.incrementAndGet();
                        } catch (Throwable unexpected) {
                            otherOutcomes.incrementAndGet();
                        }
                        if (Thread.interrupted()) {
                            interruptsLeft.incrementAndGet();
                        }
                    }
                }, "timeout-leak-" + w);
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(thread.isAlive()).as("%s finished within 60s", thread.getName()).isFalse();
            }

            assertThat(timedOut.get()).isEqualTo(workers * callsPerWorker);
            assertThat(otherOutcomes.get()).isZero();
            assertThat(interruptsLeft.get()).isZero();
            assertThat(tight.timedOutCalls()).isEqualTo(workers * callsPerWorker + 1L);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount())
                    .as("live threads after 10,000 timed-out calls").isLessThanOrEqualTo(threadsBefore + 2);
        }
    }

    @Nested
    class Asynchronous {

        private final QueuedExecutor executor = new QueuedExecutor();

        @Test
        void completesExceptionallyAtTheDeadlineAndLeavesTheCallsFutureRunning() {
            CompletableFuture<String> call = new CompletableFuture<>();

            CompletableFuture<String> result = executeAsync(timeout, () -> call, executor);
            clock.advance(ONE_SECOND.minusNanos(1));
            assertThat(result).isNotDone();
            assertThat(executor.pending()).isZero();

            clock.advance(1);
            assertThat(result).as("completed on the executor, never on the timer").isNotDone();
            assertThat(executor.runAll()).isEqualTo(1);

            assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class)
                    .hasMessage("timeout 'inventory' exceeded: the call did not finish within 1000ms");
            assertThat(call).as("cancelling a CompletableFuture stops no work: it is left to finish").isNotDone();
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(timeout.successfulCalls()).isZero();
            assertThat(clock.pendingTasks()).isZero();
        }

        @Test
        void theDeadlineDecidesEvenWhenTheExecutorRunsTheCompletionLater() {
            CompletableFuture<String> call = new CompletableFuture<>();
            CompletableFuture<String> result = executeAsync(timeout, () -> call, executor);

            clock.advance(ONE_SECOND); // deadline passes; the completion waits in the executor's queue
            call.complete("after the deadline");
            executor.runAll();

            assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
            assertThat(timeout.timedOutCalls()).isEqualTo(1);
            assertThat(timeout.successfulCalls()).isZero();
        }

        @Test
        void timeoutCompletionRunsOnTheGivenExecutorNotOnTheTimer() throws Exception {
            ExecutorService completions = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions"));
            try {
                CompletableFuture<String> call = new CompletableFuture<>();
                CompletableFuture<String> result = executeAsync(timeout, () -> call, completions);
                CompletableFuture<String> completedOn = new CompletableFuture<>();
                result.whenComplete((value, failure) -> completedOn.complete(Thread.currentThread().getName()));

                clock.advance(ONE_SECOND);

                assertThat(completedOn.get(5, TimeUnit.SECONDS)).isEqualTo("completions");
                assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
                assertThat(call).isNotDone();
            } finally {
                completions.shutdownNow();
            }
        }

        @Test
        void completesWithTheValueWhenTheStageFinishesFirst() {
            CompletableFuture<String> call = new CompletableFuture<>();
            CompletableFuture<String> result = executeAsync(timeout, () -> call, executor);

            clock.advance(Duration.ofMillis(400));
            call.complete("stock: 7");

            assertThat(result).isCompletedWithValue("stock: 7");
            assertThat(clock.pendingTasks()).as("timer cancelled").isZero();
            clock.advance(Duration.ofSeconds(5));
            assertThat(executor.pending()).isZero();
            assertThat(call).isNotCancelled();
            assertThat(timeout.successfulCalls()).isEqualTo(1);
            assertThat(timeout.timedOutCalls()).isZero();
        }

        @Test
        void completesWithTheStagesOwnExceptionUnwrapped() {
            IllegalStateException failure = new IllegalStateException("backend down");
            CompletableFuture<String> source = new CompletableFuture<>();
            CompletionStage<String> call = source.thenApply(value -> {
                throw failure; // reaches dependents wrapped in a CompletionException
            });
            CompletableFuture<String> result = executeAsync(timeout, () -> call, executor);

            source.complete("ignored");

            assertThat(failureOf(result)).isSameAs(failure);
            assertThat(clock.pendingTasks()).isZero();
            assertThat(timeout.failedCalls()).isEqualTo(1);
            assertThat(timeout.timedOutCalls()).isZero();
        }

        @Test
        void supplierThrowingFailsTheResultWithoutArmingATimer() {
            IllegalArgumentException failure = new IllegalArgumentException("no such item");

            CompletableFuture<String> result = executeAsync(timeout, () -> {
                throw failure;
            }, executor);

            assertThat(failureOf(result)).isSameAs(failure);
            assertThat(clock.pendingTasks()).isZero();
            assertThat(timeout.failedCalls()).isEqualTo(1);
        }

        @Test
        void supplierReturningNullFailsTheResultWithoutArmingATimer() {
            CompletableFuture<String> result = executeAsync(timeout, () -> null, executor);

            assertThat(failureOf(result)).isInstanceOf(NullPointerException.class)
                    .hasMessage("the asynchronous call returned null instead of a CompletionStage");
            assertThat(clock.pendingTasks()).isZero();
            assertThat(timeout.failedCalls()).isEqualTo(1);
        }

        @Test
        void cancelsTheCallsFutureAtTheDeadlineWhenToldTo() {
            Timeout cancelling = Timeout.of("report",
                    TimeoutConfig.builder().duration(ONE_SECOND).cancelRunningFuture(true).build(), clock);
            CompletableFuture<String> call = new CompletableFuture<>();

            CompletableFuture<String> result = executeAsync(cancelling, () -> call, executor);
            clock.advance(ONE_SECOND);
            assertThat(call).as("cancelled at the deadline, before the caller sees the timeout").isCancelled();
            executor.runAll();

            assertThat(failureOf(result)).isInstanceOf(TimeoutExceededException.class);
        }

        @Test
        void publishesATimeoutEvent() {
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            timeout.events().onEvent(events::add);

            executeAsync(timeout, CompletableFuture<String>::new, executor);
            clock.advance(ONE_SECOND);
            executor.runAll();

            assertThat(events).extracting(ResilienceEvent::type).containsExactly(EventType.TIMEOUT);
            assertThat(events.get(0).duration()).isEqualTo(ONE_SECOND);
        }
    }

    /** A synchronous call through a pipeline with just {@code timeout}. */
    static <T> T execute(Timeout timeout, CheckedSupplier<T> call) throws Throwable {
        return ResiliencePipeline.builder().timeout(timeout).build().execute(call);
    }

    /** An asynchronous call through a pipeline with just {@code timeout}, continuing on {@code executor}. */
    static <T> CompletableFuture<T> executeAsync(Timeout timeout, Supplier<? extends CompletionStage<T>> call,
            Executor executor) {
        return ResiliencePipeline.builder().timeout(timeout).asyncExecutor(executor).build().executeAsync(call);
    }

    private static Throwable failureOf(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        return future.handle((value, failure) -> failure).join();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a call on a worker thread ended with, and whether that thread was left interrupted. */
    record Outcome<T>(T value, Throwable failure, boolean interruptedAfterwards) {
    }

    /** Runs a call on its own platform thread, as a caller would. */
    static final class Worker<T> {
        final Thread thread;
        private final CompletableFuture<Outcome<T>> outcome = new CompletableFuture<>();

        private Worker(String name, CheckedSupplier<T> call) {
            this.thread = new Thread(() -> {
                T value = null;
                Throwable failure = null;
                try {
                    value = call.get();
                } catch (Throwable t) {
                    failure = t;
                }
                outcome.complete(new Outcome<>(value, failure, Thread.currentThread().isInterrupted()));
            }, name);
        }

        static <T> Worker<T> start(String name, CheckedSupplier<T> call) {
            Worker<T> worker = new Worker<>(name, call);
            worker.thread.start();
            return worker;
        }

        Outcome<T> await() throws Exception {
            return outcome.get(5, TimeUnit.SECONDS);
        }
    }
}

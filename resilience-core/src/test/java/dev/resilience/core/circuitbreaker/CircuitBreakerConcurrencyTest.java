package dev.resilience.core.circuitbreaker;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.resilience.test.ManualClock;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.event.EventType;

/**
 * Many threads against one breaker, released together by a start gate; every assertion is an exact count.
 * Time is a {@link ManualClock} moved only by the test thread between rounds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CircuitBreakerConcurrencyTest {

    private static final int THREADS = 8;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    /** STATE_TRANSITION events by detail ({@code CLOSED->OPEN}, ...). */
    private final Map<String, LongAdder> transitions = new ConcurrentHashMap<>();

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CircuitBreaker breaker(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
        CircuitBreaker breaker = CircuitBreaker.of("contended",
                settings.apply(CircuitBreakerConfig.builder().waitDurationInOpenState(WAIT)).build(), clock);
        breaker.events().subscribe(EnumSet.of(EventType.STATE_TRANSITION),
                event -> transitions.computeIfAbsent(event.detail(), detail -> new LongAdder()).increment());
        return breaker;
    }

    private long transitionCount(String detail) {
        LongAdder count = transitions.get(detail);
        return count == null ? 0 : count.sum();
    }

    interface Task {
        void run(int thread) throws Exception;
    }

    /** Runs {@code task} on {@link #THREADS} threads released at once; rethrows the first failure. */
    private void onAllThreads(Task task) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                ready.countDown();
                start.await();
                task.run(thread);
                return null;
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        start.countDown();
        for (Future<?> future : futures) {
            try {
                future.get(20, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw new AssertionError(e.getCause());
            } catch (TimeoutException e) {
                throw new AssertionError("a worker thread did not finish in time", e);
            }
        }
    }

    @Test
    void halfOpenAdmitsExactlyThePermittedTrialCallsInEveryRound() throws Exception {
        int permitted = 5;
        int attemptsPerThread = 4;
        int rounds = 300;
        CircuitBreaker breaker = breaker(b -> b.permittedCallsInHalfOpenState(permitted));

        for (int round = 0; round < rounds; round++) {
            breaker.transitionTo(OPEN);
            clock.advance(WAIT);
            AtomicInteger admitted = new AtomicInteger();
            List<CircuitBreaker.Permit> permits = Collections.synchronizedList(new ArrayList<>());

            // The end of the wait made the breaker HALF_OPEN; the threads race for the trial permits.
            onAllThreads(thread -> {
                for (int i = 0; i < attemptsPerThread; i++) {
                    CircuitBreaker.Permit permit = breaker.tryAcquirePermit();
                    if (permit != null) {
                        admitted.incrementAndGet();
                        permits.add(permit);
                    }
                }
            });

            assertThat(admitted).as("round %d", round).hasValue(permitted);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            permits.forEach(permit -> permit.onSuccess(0));
            assertThat(breaker.state()).isEqualTo(CLOSED);
        }

        assertThat(transitionCount("OPEN->HALF_OPEN")).isEqualTo(rounds);
        assertThat(transitionCount("HALF_OPEN->CLOSED")).isEqualTo(rounds);
        assertThat(breaker.notPermittedCalls()).isEqualTo((long) rounds * (THREADS * attemptsPerThread - permitted));
        assertThat(breaker.successfulCalls()).isEqualTo((long) rounds * permitted);
    }

    @Test
    void halfOpenNeverHasMoreTrialsInFlightThanPermittedWhileIgnoredTrialsHandPermitsBack() throws Exception {
        int permitted = 3;
        int attemptsPerThread = 10_000;
        CircuitBreaker breaker = breaker(b -> b.permittedCallsInHalfOpenState(permitted)
                .ignoreExceptions(IllegalArgumentException.class));
        breaker.transitionTo(HALF_OPEN);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        LongAdder admitted = new LongAdder();
        IllegalArgumentException notCounted = new IllegalArgumentException("not the downstream's fault");

        onAllThreads(thread -> {
            for (int i = 0; i < attemptsPerThread; i++) {
                CircuitBreaker.Permit permit = breaker.tryAcquirePermit();
                if (permit == null) {
                    continue;
                }
                admitted.increment();
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                inFlight.decrementAndGet();
                permit.onError(0, notCounted);
            }
        });

        assertThat(mostInFlight.get()).isBetween(1, permitted);
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        assertThat(breaker.ignoredCalls()).isEqualTo(admitted.sum());
        assertThat(breaker.notPermittedCalls()).isEqualTo((long) THREADS * attemptsPerThread - admitted.sum());
        assertThat(breaker.snapshot().bufferedCalls()).isZero();
        // Every permit came back: all of them can be taken again, and not one more.
        for (int i = 0; i < permitted; i++) {
            assertThat(breaker.tryAcquirePermit()).isNotNull();
        }
        assertThat(breaker.tryAcquirePermit()).isNull();
    }

    @Test
    void closedBreakerCountsEverySuccessExactly() throws Exception {
        int callsPerThread = 10_000;
        CircuitBreaker breaker = breaker(b -> b);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).build();

        onAllThreads(thread -> {
            for (int i = 0; i < callsPerThread; i++) {
                if (i % 2 == 0) {
                    assertThat(pipeline.get(() -> "ok")).isEqualTo("ok");
                } else {
                    breaker.acquirePermit().onSuccess(0);
                }
            }
        });

        assertThat(breaker.successfulCalls()).isEqualTo(80_000);
        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.transitions()).isEmpty();
        CircuitBreakerSnapshot snapshot = breaker.snapshot();
        assertThat(snapshot.bufferedCalls()).isEqualTo(100);
        assertThat(snapshot.failedCalls()).isZero();
        assertThat(snapshot.failureRate()).isEqualTo(0f);
    }

    @Test
    void closedBreakerCountsMixedOutcomesExactly() throws Exception {
        int callsPerThread = 10_000;
        CircuitBreaker breaker = breaker(b -> b.failureRateThreshold(100)
                .ignoreExceptions(IllegalArgumentException.class));
        IOException failure = new IOException("down");
        IllegalArgumentException ignored = new IllegalArgumentException("bad input");

        onAllThreads(thread -> {
            for (int i = 0; i < callsPerThread; i++) {
                CircuitBreaker.Permit permit = breaker.acquirePermit();
                switch (i % 4) {
                    case 0 -> permit.onError(0, failure);
                    case 1 -> permit.onError(0, ignored);
                    default -> permit.onSuccess(0);
                }
            }
        });

        assertThat(breaker.successfulCalls()).isEqualTo(40_000);
        assertThat(breaker.failedCalls()).isEqualTo(20_000);
        assertThat(breaker.ignoredCalls()).isEqualTo(20_000);
        assertThat(breaker.notPermittedCalls()).isZero();
        assertThat(breaker.state()).isEqualTo(CLOSED);
    }

    @Test
    void timeBasedWindowCountsEveryConcurrentCallOfTheSameSeconds() throws Exception {
        int callsPerThread = 10_000;
        // Rated only once every call is in: an early burst of failures must not open it midway.
        CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(THREADS * callsPerThread).failureRateThreshold(30));
        IOException failure = new IOException("down");

        onAllThreads(thread -> {
            for (int i = 0; i < callsPerThread; i++) {
                CircuitBreaker.Permit permit = breaker.acquirePermit();
                if (i % 4 == 0) {
                    permit.onError(0, failure);
                } else {
                    permit.onSuccess(0);
                }
            }
        });

        CircuitBreakerSnapshot snapshot = breaker.snapshot();
        assertThat(snapshot.bufferedCalls()).isEqualTo(80_000);
        assertThat(snapshot.failedCalls()).isEqualTo(20_000);
        assertThat(snapshot.failureRate()).isEqualTo(25f);
        assertThat(breaker.state()).isEqualTo(CLOSED);
    }

    @Test
    void concurrentFailuresOpenTheBreakerExactlyOnce() throws Exception {
        int rounds = 100;
        int callsPerThread = 200;
        CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(50).minimumNumberOfCalls(50));
        IOException failure = new IOException("down");
        LongAdder failed = new LongAdder();
        LongAdder rejected = new LongAdder();

        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                breaker.reset();
            }
            onAllThreads(thread -> {
                for (int i = 0; i < callsPerThread; i++) {
                    CircuitBreaker.Permit permit = breaker.tryAcquirePermit();
                    if (permit == null) {
                        rejected.increment();
                    } else {
                        permit.onError(0, failure);
                        failed.increment();
                    }
                }
            });
            assertThat(breaker.state()).as("round %d", round).isEqualTo(OPEN);
            assertThat(transitionCount("CLOSED->OPEN")).as("round %d", round).isEqualTo(round + 1);
        }

        assertThat(transitionCount("CLOSED->OPEN")).isEqualTo(rounds);
        assertThat(transitions.keySet()).containsExactlyInAnyOrder("CLOSED->OPEN", "OPEN->CLOSED");
        assertThat(breaker.failedCalls()).isEqualTo(failed.sum());
        assertThat(breaker.notPermittedCalls()).isEqualTo(rejected.sum());
        assertThat(failed.sum() + rejected.sum()).isEqualTo((long) rounds * THREADS * callsPerThread);
        assertThat(breaker.transitions()).hasSize(20);
    }

    @Test
    void concurrentlyFinishingTrialsLeaveHalfOpenExactlyOnce() throws Exception {
        int rounds = 300;
        CircuitBreaker breaker = breaker(b -> b.permittedCallsInHalfOpenState(THREADS));
        IOException failure = new IOException("still down");

        for (int round = 0; round < rounds; round++) {
            breaker.transitionTo(OPEN);
            clock.advance(WAIT);
            List<CircuitBreaker.Permit> permits = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                permits.add(breaker.acquirePermit());
            }
            // Even rounds: 4 of 8 trials fail (50 %, reopens); odd rounds: 3 of 8 (37.5 %, closes).
            int failing = round % 2 == 0 ? 4 : 3;

            onAllThreads(thread -> {
                CircuitBreaker.Permit permit = permits.get(thread);
                if (thread < failing) {
                    permit.onError(0, failure);
                } else {
                    permit.onSuccess(0);
                }
            });

            assertThat(breaker.state()).as("round %d", round).isEqualTo(failing == 4 ? OPEN : CLOSED);
        }

        assertThat(transitionCount("HALF_OPEN->OPEN")).isEqualTo(rounds / 2);
        assertThat(transitionCount("HALF_OPEN->CLOSED")).isEqualTo(rounds / 2);
        assertThat(transitionCount("OPEN->HALF_OPEN")).isEqualTo(rounds);
    }

    @Test
    void concurrentReadersSeeTheTimerMoveOpenToHalfOpenOnceAndNeverMoveItThemselves() throws Exception {
        int rounds = 300;
        CircuitBreaker breaker = breaker(b -> b);
        LongAdder halfOpenSeenBeforeTheWaitEnded = new LongAdder();
        LongAdder openSeenAfterHalfOpen = new LongAdder();

        for (int round = 0; round < rounds; round++) {
            breaker.transitionTo(OPEN);
            clock.advance(WAIT.minusMillis(1));
            AtomicInteger waitEnded = new AtomicInteger();
            onAllThreads(thread -> {
                if (thread == 0) {
                    waitEnded.set(1);
                    clock.advance(Duration.ofMillis(1));
                    return;
                }
                boolean halfOpenSeen = false;
                for (int i = 0; i < 200; i++) {
                    CircuitBreaker.State state = i % 2 == 0 ? breaker.state() : breaker.snapshot().state();
                    // Read after the state: the flag is set before the clock moves, so a HALF_OPEN read before
                    // the flag is seen would be a transition the reader made itself.
                    boolean ended = waitEnded.get() == 1;
                    if (state == HALF_OPEN) {
                        halfOpenSeen = true;
                        if (!ended) {
                            halfOpenSeenBeforeTheWaitEnded.increment();
                        }
                    } else if (halfOpenSeen) {
                        openSeenAfterHalfOpen.increment();
                    }
                }
            });
            assertThat(breaker.state()).as("round %d", round).isEqualTo(HALF_OPEN);
            assertThat(transitionCount("OPEN->HALF_OPEN")).as("round %d", round).isEqualTo(round + 1);
        }

        assertThat(halfOpenSeenBeforeTheWaitEnded.sum()).isZero();
        assertThat(openSeenAfterHalfOpen.sum()).isZero();
        assertThat(transitionCount("HALF_OPEN->OPEN")).isEqualTo(rounds - 1);
        assertThat(transitions.keySet()).containsExactlyInAnyOrder("CLOSED->OPEN", "OPEN->HALF_OPEN",
                "HALF_OPEN->OPEN");
    }

    @Test
    void callsRacingTheTimerMoveOpenToHalfOpenExactlyOnceAndGetAtMostTheTrialPermits() throws Exception {
        int permitted = 3;
        int rounds = 300;
        int attemptsPerThread = 200;
        LateTimerClock lateTimer = LateTimerClock.holdingTasks(clock);
        CircuitBreaker breaker = CircuitBreaker.of("contended", CircuitBreakerConfig.builder()
                .waitDurationInOpenState(WAIT).permittedCallsInHalfOpenState(permitted).build(), lateTimer);
        breaker.events().subscribe(EnumSet.of(EventType.STATE_TRANSITION),
                event -> transitions.computeIfAbsent(event.detail(), detail -> new LongAdder()).increment());
        LongAdder rejected = new LongAdder();

        for (int round = 0; round < rounds; round++) {
            if (round > 0) {
                breaker.reset();
            }
            breaker.transitionTo(OPEN);
            clock.advance(WAIT.minusNanos(1));

            // Thread 0 ends the wait and then runs the timer, a little later in some rounds than in others, as
            // a busy timer thread would, while the others call: whichever comes first moves the breaker, once.
            AtomicInteger admitted = new AtomicInteger();
            int timerLag = (round % 10) * 10_000;
            onAllThreads(thread -> {
                if (thread == 0) {
                    clock.advance(1);
                    for (int spin = 0; spin < timerLag; spin++) {
                        Thread.onSpinWait();
                    }
                    lateTimer.fireAll();
                    return;
                }
                for (int i = 0; i < attemptsPerThread; i++) {
                    if (breaker.tryAcquirePermit() != null) {
                        admitted.incrementAndGet();
                    } else {
                        rejected.increment();
                    }
                }
            });

            assertThat(breaker.state()).as("round %d", round).isEqualTo(HALF_OPEN);
            assertThat(admitted.get()).as("round %d", round).isBetween(0, permitted);
            int left = 0;
            while (breaker.tryAcquirePermit() != null) {
                left++;
            }
            rejected.increment();
            assertThat(admitted.get() + left).as("round %d", round).isEqualTo(permitted);
            assertThat(transitionCount("OPEN->HALF_OPEN")).as("round %d", round).isEqualTo(round + 1);
        }

        assertThat(transitionCount("CLOSED->OPEN")).isEqualTo(rounds);
        assertThat(transitionCount("HALF_OPEN->CLOSED")).isEqualTo(rounds - 1);
        assertThat(transitions.keySet()).containsExactlyInAnyOrder("CLOSED->OPEN", "OPEN->HALF_OPEN",
                "HALF_OPEN->CLOSED");
        assertThat(breaker.notPermittedCalls()).isEqualTo(rejected.sum());
        assertThat(lateTimer.held).hasSize(rounds);
    }

    @Test
    void maxWaitRacingTheTrialsLeavesHalfOpenExactlyOnce() throws Exception {
        int rounds = 300;
        int trials = THREADS - 1;
        Duration maxWait = Duration.ofSeconds(10);
        CircuitBreaker breaker = breaker(b -> b.permittedCallsInHalfOpenState(trials)
                .maxWaitDurationInHalfOpenState(maxWait));
        IOException failure = new IOException("still down");

        for (int round = 0; round < rounds; round++) {
            breaker.transitionTo(HALF_OPEN);
            clock.advance(maxWait.minusNanos(1));
            List<CircuitBreaker.Permit> permits = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                permits.add(breaker.acquirePermit());
            }
            // Odd rounds fail every trial (the 4th of 7 opens it), even rounds succeed (the 4th closes it).
            boolean failing = round % 2 == 1;

            onAllThreads(thread -> {
                if (thread == 0) {
                    clock.advance(1); // the max wait ends
                } else if (failing) {
                    permits.get(thread - 1).onError(0, failure);
                } else {
                    permits.get(thread - 1).onSuccess(0);
                }
            });

            assertThat(breaker.state()).as("round %d", round).isIn(OPEN, CLOSED);
            assertThat(transitionCount("HALF_OPEN->OPEN") + transitionCount("HALF_OPEN->CLOSED"))
                    .as("round %d", round).isEqualTo(round + 1);
            if (failing) {
                assertThat(breaker.state()).as("round %d", round).isEqualTo(OPEN);
            }
        }

        assertThat(transitions.keySet()).containsAnyOf("HALF_OPEN->OPEN", "HALF_OPEN->CLOSED");
        assertThat(transitionCount("CLOSED->HALF_OPEN") + transitionCount("OPEN->HALF_OPEN")).isEqualTo(rounds);
        assertThat(clock.pendingTasks()).as("only the last OPEN's end of wait, if it ended OPEN")
                .isEqualTo(breaker.state() == OPEN ? 1 : 0);
    }

    @ParameterizedTest
    @EnumSource(SlidingWindowType.class)
    void snapshotNeverShowsMoreFailuresThanCallsWhileFailuresAreRecorded(SlidingWindowType type) throws Exception {
        int callsPerWriter = 50_000;
        // Never enough calls to open: the writers keep going while the reader looks.
        int size = type == SlidingWindowType.COUNT_BASED ? 400_000 : 10;
        CircuitBreaker breaker = breaker(b -> b.slidingWindowType(type).slidingWindowSize(size)
                .minimumNumberOfCalls(400_000).slowCallDurationThreshold(Duration.ofNanos(1)));
        IOException failure = new IOException("down");
        AtomicInteger writersLeft = new AtomicInteger(THREADS - 1);
        LongAdder inconsistentReads = new LongAdder();

        onAllThreads(thread -> {
            if (thread == 0) {
                while (writersLeft.get() > 0) {
                    CircuitBreakerSnapshot snapshot = breaker.snapshot();
                    if (snapshot.failedCalls() > snapshot.bufferedCalls()
                            || snapshot.slowCalls() > snapshot.bufferedCalls()) {
                        inconsistentReads.increment();
                    }
                }
                return;
            }
            try {
                for (int i = 0; i < callsPerWriter; i++) {
                    breaker.acquirePermit().onError(1, failure);
                }
            } finally {
                writersLeft.decrementAndGet();
            }
        });

        assertThat(inconsistentReads.sum()).isZero();
        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.snapshot().failedCalls()).isEqualTo((THREADS - 1) * callsPerWriter);
        assertThat(breaker.snapshot().slowCalls()).isEqualTo((THREADS - 1) * callsPerWriter);
    }

    @Test
    void countBasedWindowSlidesConcurrentlyRecordedCallsOutOneByOne() throws Exception {
        int size = 1_000;
        int slowPerThread = 100;
        int concurrent = THREADS * slowPerThread;
        CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(size).minimumNumberOfCalls(size)
                .slowCallDurationThreshold(Duration.ofNanos(1)));

        for (int round = 0; round < 50; round++) {
            breaker.reset();
            onAllThreads(thread -> {
                for (int i = 0; i < slowPerThread; i++) {
                    breaker.acquirePermit().onSuccess(1);
                }
            });
            assertThat(breaker.snapshot().slowCalls()).isEqualTo(concurrent);

            // Each fast call now pushes exactly one concurrently recorded slow call out of the window.
            for (int fast = 1; fast < size; fast++) {
                breaker.acquirePermit().onSuccess(0);
                int expected = Math.min(concurrent, size - fast);
                assertThat(breaker.snapshot().slowCalls()).as("round %d, after %d fast calls", round, fast)
                        .isEqualTo(expected);
            }
        }
    }

    @Test
    void lifetimeSuccessCountStaysExactWhileTheStateIsSwappedUnderConcurrentSuccesses() throws Exception {
        // Thread 0 keeps resetting the breaker (each reset retires the CLOSED state and its window); the others
        // record successes, many of them through permits whose state was retired meanwhile. Every success must
        // be counted exactly once, whichever state, window and moment it reported to.
        CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(50).minimumNumberOfCalls(50));
        int successesPerThread = 20_000;
        LongAdder reported = new LongAdder();
        AtomicInteger running = new AtomicInteger(THREADS - 1);

        onAllThreads(thread -> {
            if (thread == 0) {
                while (running.get() > 0) {
                    breaker.reset();
                }
                return;
            }
            for (int i = 0; i < successesPerThread; i++) {
                CircuitBreaker.Permit permit = breaker.acquirePermit();
                if (i % 3 == 0) {
                    Thread.yield(); // let a reset retire the state that admitted this call
                }
                permit.onSuccess(0);
                reported.increment();
            }
            running.decrementAndGet();
        });

        assertThat(reported.sum()).isEqualTo((long) (THREADS - 1) * successesPerThread);
        assertThat(breaker.successfulCalls()).isEqualTo(reported.sum());
        assertThat(breaker.failedCalls()).isZero();
    }

    @Test
    void successesOfCallsThatOutliveTheirStateAreCountedOnceAndStayOutOfTheNewWindow() {
        CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(10).minimumNumberOfCalls(10));
        List<CircuitBreaker.Permit> late = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            late.add(breaker.acquirePermit());
        }
        breaker.acquirePermit().onSuccess(0);

        breaker.transitionTo(OPEN);
        breaker.transitionTo(CLOSED);
        late.forEach(permit -> permit.onSuccess(0));

        assertThat(breaker.successfulCalls()).isEqualTo(6);
        assertThat(breaker.snapshot().bufferedCalls()).as("the new window saw none of them").isZero();
    }
}

package dev.resilience.core.circuitbreaker;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.FORCED_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.test.ManualClock;

/** {@link CircuitBreaker#reconfigure}: new settings in place, the state and (unless its shape changes) the window kept. */
class CircuitBreakerReconfigurationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<ResilienceEvent> events = new CopyOnWriteArrayList<>();

    /** Ten-call window, ten calls minimum, 50 %, 30 s open, 3 trials, slow from 1 s. */
    private static CircuitBreakerConfig.Builder settings() {
        return CircuitBreakerConfig.builder().slidingWindowSize(10).minimumNumberOfCalls(10).failureRateThreshold(50)
                .waitDurationInOpenState(WAIT).permittedCallsInHalfOpenState(3)
                .slowCallDurationThreshold(Duration.ofSeconds(1));
    }

    private CircuitBreaker breaker(UnaryOperator<CircuitBreakerConfig.Builder> overrides) {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", overrides.apply(settings()).build(), clock);
        breaker.events().onEvent(events::add);
        return breaker;
    }

    private static CircuitBreakerConfig changed(CircuitBreaker breaker,
            UnaryOperator<CircuitBreakerConfig.Builder> change) {
        return change.apply(CircuitBreakerConfig.from(breaker.config())).build();
    }

    private static void succeed(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onSuccess(0);
        }
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onError(0, new IOException("down"));
        }
    }

    private void open(CircuitBreaker breaker) {
        fail(breaker, 10);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void newThresholdJudgesTheCallsAlreadyInTheWindow() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 4);
        succeed(breaker, 5);

        breaker.reconfigure(changed(breaker, b -> b.failureRateThreshold(40)));

        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(9);
        assertThat(breaker.snapshot().failedCalls()).isEqualTo(4);
        succeed(breaker, 1); // the tenth call: 4 of 10 failed, 40 % >= 40 %
        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.transitions()).singleElement()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("failure rate 40% >= 40%"));
    }

    @Test
    void breakerOpensAtOnceWhenItsWindowAlreadyExceedsTheNewThreshold() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 3);
        succeed(breaker, 7);
        assertThat(breaker.state()).isEqualTo(CLOSED);

        breaker.reconfigure(changed(breaker, b -> b.failureRateThreshold(30)));

        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.transitions()).singleElement()
                .satisfies(t -> assertThat(t.reason()).isEqualTo("failure rate 30% >= 30%"));
    }

    @Test
    void changeIsAnEventNotATransition() {
        CircuitBreaker breaker = breaker(b -> b);
        CircuitBreakerConfig next = changed(breaker, b -> b.failureRateThreshold(80));

        breaker.reconfigure(next);

        assertThat(breaker.config()).isSameAs(next);
        assertThat(breaker.transitions()).isEmpty();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.CIRCUIT_BREAKER_CONFIG_CHANGED);
            assertThat(event.detail()).contains("failureRateThreshold=80.0");
        });
    }

    @Test
    void newWindowSizeStartsAFreshWindowAndKeepsTheBreakerClosed() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 4);
        succeed(breaker, 5);

        breaker.reconfigure(changed(breaker, b -> b.slidingWindowSize(20).minimumNumberOfCalls(20)));

        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.snapshot().bufferedCalls()).isZero();
        assertThat(breaker.failedCalls()).isEqualTo(4);
        assertThat(breaker.successfulCalls()).isEqualTo(5);
        assertThat(breaker.transitions()).isEmpty();
        // The new window holds 20 calls: 10 failures in it are 50 % only once 20 calls are in.
        fail(breaker, 10);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        succeed(breaker, 10);
        assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(20);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void newWindowTypeStartsAFreshWindow() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 4);

        breaker.reconfigure(changed(breaker, b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(4)));

        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.snapshot().bufferedCalls()).isZero();
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(11)); // a time-based window forgets them
        fail(breaker, 3);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void sameWindowShapeKeepsTheWindow() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 4);

        breaker.reconfigure(changed(breaker, b -> b.slowCallDurationThreshold(Duration.ofMillis(100))
                .waitDurationInOpenState(Duration.ofSeconds(5)).permittedCallsInHalfOpenState(7)
                .ignoreExceptions(IllegalStateException.class)));

        assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(4);
        assertThat(breaker.snapshot().failedCalls()).isEqualTo(4);
    }

    @Test
    void lowerMinimumNumberOfCallsKeepsTheWindowAndAppliesAtOnce() {
        CircuitBreaker breaker = breaker(b -> b);
        fail(breaker, 3);
        succeed(breaker, 2);

        breaker.reconfigure(changed(breaker, b -> b.minimumNumberOfCalls(5)));

        assertThat(breaker.state()).isEqualTo(OPEN); // 3 of 5: 60 % >= 50 %
    }

    @Test
    void higherMinimumNumberOfCallsLetsTheSuccessThatReachesItTripTheBreaker() {
        CircuitBreaker breaker = breaker(b -> b.minimumNumberOfCalls(5).failureRateThreshold(25));
        succeed(breaker, 5); // minimum reached: successes alone stop evaluating
        breaker.reconfigure(changed(breaker, b -> b.minimumNumberOfCalls(8)));
        fail(breaker, 2);
        assertThat(breaker.state()).isEqualTo(CLOSED); // 7 calls: fewer than the new minimum

        succeed(breaker, 1); // the eighth call: 2 of 8 failed, 25 %

        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void recordedAndIgnoredExceptionsApplyToTheNextOutcome() {
        CircuitBreaker breaker = breaker(b -> b.minimumNumberOfCalls(2));
        breaker.reconfigure(changed(breaker, b -> b.ignoreExceptions(IOException.class)));

        fail(breaker, 5);

        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.ignoredCalls()).isEqualTo(5);
    }

    @Test
    void newSlowCallThresholdJudgesTheNextCallsAndDecidesHowTheyAreTimed() {
        CircuitBreaker breaker = breaker(b -> b.slowCallRateThreshold(50).minimumNumberOfCalls(2));
        assertThat(breaker.needsPreciseTiming()).isFalse();

        breaker.reconfigure(changed(breaker, b -> b.slowCallDurationThreshold(Duration.ofMillis(100))));

        assertThat(breaker.needsPreciseTiming()).isTrue();
        breaker.acquirePermit().onSuccess(Duration.ofMillis(150).toNanos());
        breaker.acquirePermit().onSuccess(Duration.ofMillis(150).toNanos());
        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.transitions().get(0).reason()).isEqualTo("slow call rate 100% >= 50%");
    }

    @Test
    void newWaitInOpenCountsFromWhenTheBreakerOpened() {
        CircuitBreaker breaker = breaker(b -> b);
        open(breaker);
        clock.advance(Duration.ofSeconds(10));

        breaker.reconfigure(changed(breaker, b -> b.waitDurationInOpenState(Duration.ofSeconds(15))));

        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofSeconds(5));
        assertThat(breaker.snapshot().failedCalls()).isEqualTo(10); // still shows what opened it
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        assertThat(breaker.transitions()).hasSize(2);
    }

    @Test
    void longerWaitInOpenKeepsTheBreakerOpenPastTheOldWait() {
        CircuitBreaker breaker = breaker(b -> b);
        open(breaker);
        clock.advance(Duration.ofSeconds(25));

        breaker.reconfigure(changed(breaker, b -> b.waitDurationInOpenState(Duration.ofSeconds(60))));

        clock.advance(Duration.ofSeconds(10)); // past the old wait: its timer was called off
        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.tryAcquirePermit()).isNull();
        clock.advance(Duration.ofSeconds(25));
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
    }

    @Test
    void waitInOpenThatHasAlreadyPassedMovesTheBreakerToHalfOpen() {
        CircuitBreaker breaker = breaker(b -> b);
        open(breaker);
        clock.advance(Duration.ofSeconds(20));

        breaker.reconfigure(changed(breaker, b -> b.waitDurationInOpenState(Duration.ofSeconds(10))));

        assertThat(breaker.tryAcquirePermit()).isNotNull(); // a trial call
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
    }

    @Test
    void windowShapeChangedWhileOpenIsUsedByTheNextClosedState() {
        CircuitBreaker breaker = breaker(b -> b);
        open(breaker);

        breaker.reconfigure(changed(breaker, b -> b.slidingWindowSize(4).minimumNumberOfCalls(4)));

        assertThat(breaker.state()).isEqualTo(OPEN);
        clock.advance(WAIT);
        succeed(breaker, 2); // two of three trials close it: at most 1 of 3 could fail
        assertThat(breaker.state()).isEqualTo(CLOSED);
        fail(breaker, 2);
        succeed(breaker, 1);
        assertThat(breaker.state()).isEqualTo(CLOSED);
        succeed(breaker, 1); // 2 of 4
        assertThat(breaker.state()).isEqualTo(OPEN);
    }

    @Test
    void halfOpenRoundKeepsItsTrialCountAndTheNextRoundUsesTheNewOne() {
        CircuitBreaker breaker = breaker(b -> b);
        open(breaker);
        clock.advance(WAIT);
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);

        breaker.reconfigure(changed(breaker, b -> b.permittedCallsInHalfOpenState(1)));

        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        List<CircuitBreaker.Permit> trials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            trials.add(breaker.tryAcquirePermit());
        }
        assertThat(trials).doesNotContainNull();
        assertThat(breaker.tryAcquirePermit()).isNull();
        trials.forEach(trial -> trial.onError(0, new IOException("still down")));
        assertThat(breaker.state()).isEqualTo(OPEN);
        clock.advance(WAIT);
        assertThat(breaker.tryAcquirePermit()).isNotNull();
        assertThat(breaker.tryAcquirePermit()).isNull(); // one trial now
    }

    @Test
    void stateSetByHandIsKept() {
        CircuitBreaker breaker = breaker(b -> b);
        breaker.transitionTo(FORCED_OPEN);

        breaker.reconfigure(changed(breaker, b -> b.slidingWindowSize(3).minimumNumberOfCalls(3).waitDurationInOpenState(Duration.ofSeconds(1))));

        clock.advance(Duration.ofMinutes(5));
        assertThat(breaker.state()).isEqualTo(FORCED_OPEN);
    }

    /**
     * Calls record outcomes on four threads while a fifth keeps changing the window's size (each change a fresh
     * window) and threshold: no outcome is lost from the lifetime counts, and the breaker stays CLOSED (no window
     * of 10 or 20 consecutive calls can hold enough failures to reach 100 %).
     */
    @Test
    void outcomesRecordedWhileTheWindowIsSwappedAreCountedExactlyOnce() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", settings().failureRateThreshold(100).build(), clock);
        int threads = 4;
        int callsPerThread = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                await(start);
                for (int i = 0; i < callsPerThread; i++) {
                    CircuitBreaker.Permit permit = breaker.acquirePermit();
                    if (i % 10 == 9) {
                        permit.onError(0, new IOException("down"));
                    } else {
                        permit.onSuccess(0);
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        Thread changer = new Thread(() -> {
            await(start);
            for (int i = 0; running.get(); i++) {
                int size = i % 2 == 0 ? 20 : 10;
                breaker.reconfigure(changed(breaker, b -> b.slidingWindowSize(size).minimumNumberOfCalls(size)
                        .failureRateThreshold(size == 20 ? 99.9f : 100)));
            }
        });
        changer.start();
        start.countDown();
        for (Thread caller : callers) {
            caller.join(60_000);
        }
        running.set(false);
        changer.join(60_000);

        assertThat(breaker.state()).isEqualTo(CLOSED);
        assertThat(breaker.transitions()).isEmpty();
        assertThat(breaker.successfulCalls()).isEqualTo(threads * callsPerThread * 9L / 10);
        assertThat(breaker.failedCalls()).isEqualTo(threads * callsPerThread / 10L);
    }

    /**
     * Failing calls on four threads while the window keeps being swapped: the breaker opens exactly once, and
     * every call is either recorded as failed or rejected.
     */
    @Test
    void breakerOpensOnceWhileItsWindowIsSwapped() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", settings().build(), clock);
        int threads = 4;
        int callsPerThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread caller = new Thread(() -> {
                await(start);
                for (int i = 0; i < callsPerThread; i++) {
                    CircuitBreaker.Permit permit = breaker.tryAcquirePermit();
                    if (permit != null) {
                        permit.onError(0, new IOException("down"));
                    }
                }
            });
            caller.start();
            callers.add(caller);
        }
        Thread changer = new Thread(() -> {
            await(start);
            for (int i = 0; running.get(); i++) {
                int size = i % 2 == 0 ? 20 : 10;
                breaker.reconfigure(changed(breaker, b -> b.slidingWindowSize(size).minimumNumberOfCalls(size)));
            }
        });
        changer.start();
        start.countDown();
        for (Thread caller : callers) {
            caller.join(60_000);
        }
        running.set(false);
        changer.join(60_000);

        assertThat(breaker.state()).isEqualTo(OPEN);
        assertThat(breaker.transitions()).singleElement().satisfies(t -> assertThat(t.to()).isEqualTo(OPEN));
        assertThat(breaker.failedCalls() + breaker.notPermittedCalls()).isEqualTo((long) threads * callsPerThread);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

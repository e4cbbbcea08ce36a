package dev.resilience.core.circuitbreaker;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.DISABLED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.FORCED_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.resilience.test.ManualClock;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.Outcomes;
import dev.resilience.core.ResilienceException;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

class CircuitBreakerTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration SLOW = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock(START);
    private final List<ResilienceEvent> events = new CopyOnWriteArrayList<>();

    /** Ten-call window, ten calls minimum, 50 %, 30 s open, 3 trials, slow from 1 s; then {@code settings}. */
    private CircuitBreaker breaker(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
        CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(WAIT)
                .permittedCallsInHalfOpenState(3)
                .slowCallDurationThreshold(SLOW);
        CircuitBreaker breaker = CircuitBreaker.of("inventory", settings.apply(builder).build(), clock);
        breaker.events().onEvent(events::add);
        return breaker;
    }

    private CircuitBreaker breaker() {
        return breaker(b -> b);
    }

    private static void succeed(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onSuccess(0);
        }
    }

    private static void succeedSlowly(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onSuccess(SLOW.toNanos());
        }
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onError(0, new IOException("connection refused"));
        }
    }

    private static void failWith(CircuitBreaker breaker, Throwable failure) {
        breaker.acquirePermit().onError(0, failure);
    }

    /** A breaker that has just opened on ten failures. */
    private CircuitBreaker openBreaker(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
        CircuitBreaker breaker = breaker(settings);
        fail(breaker, 10);
        assertThat(breaker.state()).isEqualTo(OPEN);
        return breaker;
    }

    private CircuitBreaker halfOpenBreaker(UnaryOperator<CircuitBreakerConfig.Builder> settings) {
        CircuitBreaker breaker = openBreaker(settings);
        clock.advance(WAIT);
        assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        return breaker;
    }

    private static CircuitBreakerOpenException rejection(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(CircuitBreakerOpenException.class);
        return (CircuitBreakerOpenException) thrown;
    }

    private static StateTransition lastTransition(CircuitBreaker breaker) {
        List<StateTransition> transitions = breaker.transitions();
        assertThat(transitions).isNotEmpty();
        return transitions.get(transitions.size() - 1);
    }

    private List<EventType> eventTypes() {
        return events.stream().map(ResilienceEvent::type).toList();
    }

    private List<ResilienceEvent> eventsOf(EventType type) {
        return events.stream().filter(e -> e.type() == type).toList();
    }

    private static ResiliencePipeline pipeline(CircuitBreaker breaker) {
        return ResiliencePipeline.builder().circuitBreaker(breaker).build();
    }

    @Nested
    class Opening {

        @Test
        void opensWhenFailureRateReachesThresholdAtMinimumNumberOfCalls() {
            CircuitBreaker breaker = breaker();
            succeed(breaker, 5);
            fail(breaker, 4);
            assertThat(breaker.state()).isEqualTo(CLOSED);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(50f);
            assertThat(lastTransition(breaker).reason()).isEqualTo("failure rate 50% >= 50%");
        }

        @Test
        void doesNotOpenBeforeMinimumNumberOfCallsEvenWhenEveryCallFails() {
            CircuitBreaker breaker = breaker(b -> b.minimumNumberOfCalls(5));
            fail(breaker, 4);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().failedCalls()).isEqualTo(4);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(-1f);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
        }

        @Test
        void staysClosedJustBelowFailureRateThreshold() {
            CircuitBreaker breaker = breaker();
            succeed(breaker, 6);
            fail(breaker, 4);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(40f);
            assertThat(breaker.transitions()).isEmpty();
        }

        @Test
        void opensWhenASuccessCompletesTheMinimumNumberOfCalls() {
            CircuitBreaker breaker = breaker();
            fail(breaker, 5);
            succeed(breaker, 4);
            assertThat(breaker.state()).isEqualTo(CLOSED);

            succeed(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
        }

        @Test
        void opensOnFractionalFailureRateWithReasonRoundedToOneDecimal() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(3).minimumNumberOfCalls(3));
            succeed(breaker, 1);
            fail(breaker, 2);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("failure rate 66.7% >= 50%");
        }

        @Test
        void opensWhenSlowCallRateReachesThreshold() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(4).minimumNumberOfCalls(4)
                    .slowCallRateThreshold(50));
            succeed(breaker, 2);
            succeedSlowly(breaker, 1);
            assertThat(breaker.state()).isEqualTo(CLOSED);

            succeedSlowly(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("slow call rate 50% >= 50%");
            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.slowCallRate()).isEqualTo(50f);
            assertThat(snapshot.failureRate()).isEqualTo(0f);
            assertThat(snapshot.slowCalls()).isEqualTo(2);
        }

        @Test
        void defaultSlowCallRateThresholdOpensOnlyWhenEveryCallInTheWindowIsSlow() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(4).minimumNumberOfCalls(4));
            succeed(breaker, 1);
            succeedSlowly(breaker, 3);
            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().slowCallRate()).isEqualTo(75f);

            succeedSlowly(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("slow call rate 100% >= 100%");
        }

        @Test
        void callIsSlowFromExactlyTheSlowCallDurationThreshold() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2));
            breaker.acquirePermit().onSuccess(SLOW.toNanos() - 1);
            assertThat(breaker.snapshot().slowCalls()).isZero();

            breaker.acquirePermit().onSuccess(SLOW.toNanos());

            assertThat(breaker.snapshot().slowCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().slowCallRate()).isEqualTo(50f);
        }

        @Test
        void slowFailureCountsTowardsBothRates() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2)
                    .failureRateThreshold(100));
            breaker.acquirePermit().onError(SLOW.toNanos(), new IOException("late and broken"));
            succeed(breaker, 1);

            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.failureRate()).isEqualTo(50f);
            assertThat(snapshot.slowCallRate()).isEqualTo(50f);
            assertThat(snapshot.failedCalls()).isEqualTo(1);
            assertThat(snapshot.slowCalls()).isEqualTo(1);
        }

        @Test
        void pipelineTimesCallsWithTheBreakersClockForSlowCalls() throws Exception {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2));
            ResiliencePipeline pipeline = pipeline(breaker);

            pipeline.call(() -> {
                clock.advance(Duration.ofSeconds(2));
                return "late";
            });
            pipeline.call(() -> "quick");

            assertThat(breaker.snapshot().slowCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(2);
        }
    }

    @Nested
    class SlidingWindows {

        @Test
        void countBasedWindowForgetsCallsThatSlideOut() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(4).minimumNumberOfCalls(4));
            fail(breaker, 1);
            succeed(breaker, 3);
            assertThat(breaker.snapshot().failedCalls()).isEqualTo(1);

            succeed(breaker, 1);
            assertThat(breaker.snapshot().failedCalls()).isZero();
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(4);

            fail(breaker, 1);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(25f);
            fail(breaker, 1);

            // Two of the last four; over all seven calls it would only be 3 of 7.
            assertThat(breaker.state()).isEqualTo(OPEN);
        }

        @Test
        void countBasedWindowKeepsOnlyItsSizeOverManyCalls() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(5).minimumNumberOfCalls(5));
            for (int round = 0; round < 1_000; round++) {
                fail(breaker, 1);
                succeed(breaker, 4);
                assertThat(breaker.snapshot().failedCalls()).isEqualTo(1);
            }
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(5);
            fail(breaker, 2);
            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(40f);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(60f);
        }

        @Test
        void countBasedWindowForgetsSlowCallsThatSlideOut() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(3).minimumNumberOfCalls(3));
            succeedSlowly(breaker, 2);
            succeed(breaker, 1);
            assertThat(breaker.snapshot().slowCalls()).isEqualTo(2);

            succeed(breaker, 2);

            assertThat(breaker.snapshot().slowCalls()).isZero();
        }

        @Test
        void timeBasedWindowForgetsSecondsThatHavePassed() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                    .slidingWindowSize(10).minimumNumberOfCalls(4));
            fail(breaker, 2);
            clock.advance(Duration.ofMillis(9_999));
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(2);

            clock.advance(Duration.ofMillis(1));
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.snapshot().failedCalls()).isZero();

            succeed(breaker, 3);
            fail(breaker, 1);
            fail(breaker, 1);

            // 2 of 5 in the window; with the expired failures it would have been 4 of 7.
            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(40f);
        }

        @Test
        void timeBasedWindowOpensOnFailuresSpreadOverItsSeconds() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                    .slidingWindowSize(10).minimumNumberOfCalls(4));
            fail(breaker, 1);
            clock.advance(Duration.ofSeconds(3));
            fail(breaker, 1);
            clock.advance(Duration.ofSeconds(3));
            succeed(breaker, 1);
            clock.advance(Duration.ofSeconds(3));
            assertThat(breaker.state()).isEqualTo(CLOSED);

            succeed(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("failure rate 50% >= 50%");
        }

        @Test
        void timeBasedWindowExpiresEachSecondOnItsOwn() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                    .slidingWindowSize(10).minimumNumberOfCalls(100));
            fail(breaker, 2);
            clock.advance(Duration.ofSeconds(5));
            succeed(breaker, 3);
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(5);

            clock.advance(Duration.ofSeconds(5));
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(3);
            assertThat(breaker.snapshot().failedCalls()).isZero();

            clock.advance(Duration.ofSeconds(5));
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
        }

        @Test
        void timeBasedWindowReusesBucketsAfterAFullTurn() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                    .slidingWindowSize(3).minimumNumberOfCalls(100));
            for (int second = 0; second < 50; second++) {
                fail(breaker, 1);
                succeed(breaker, 1);
                clock.advance(Duration.ofSeconds(1));
            }
            clock.advance(Duration.ofMillis(999)); // still in the last recorded second's window

            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.bufferedCalls()).isEqualTo(4);
            assertThat(snapshot.failedCalls()).isEqualTo(2);
        }

        @Test
        void timeBasedWindowReportsNoRatesBelowMinimumNumberOfCalls() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowType(SlidingWindowType.TIME_BASED)
                    .slidingWindowSize(10).minimumNumberOfCalls(30));
            fail(breaker, 29);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(-1f);
            assertThat(breaker.snapshot().slowCallRate()).isEqualTo(-1f);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
        }
    }

    @Nested
    class OpenAndHalfOpen {

        @Test
        void openBreakerRejectsCallsNamingTheBreakerAndTheRemainingTime() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(Duration.ofSeconds(10));

            CircuitBreakerOpenException rejection = rejection(breaker::acquirePermit);

            assertThat(rejection).hasMessage(
                    "circuit breaker 'inventory' is OPEN and does not permit calls for another 20000ms");
            assertThat(rejection.circuitBreakerName()).isEqualTo("inventory");
            assertThat(rejection.state()).isEqualTo(OPEN);
            assertThat(rejection.remainingOpenTime()).isEqualTo(Duration.ofSeconds(20));
            assertThat(rejection).isInstanceOf(ResilienceException.class);
            assertThat(breaker.notPermittedCalls()).isEqualTo(1);
        }

        @Test
        void aWaitTooLongForNanosecondsKeepsTheBreakerOpen() {
            CircuitBreaker breaker = openBreaker(b -> b.waitDurationInOpenState(Duration.ofSeconds(Long.MAX_VALUE))
                    .slowCallDurationThreshold(Duration.ofSeconds(Long.MAX_VALUE)));
            clock.advance(Duration.ofDays(365 * 100));

            assertThat(breaker.tryAcquirePermit()).isNull();
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(rejection(breaker::acquirePermit).remainingOpenTime()).isGreaterThan(Duration.ofDays(365 * 100));
        }

        @Test
        void tryAcquirePermitReturnsNullAndCountsTheRejection() {
            CircuitBreaker breaker = openBreaker(b -> b);

            assertThat(breaker.tryAcquirePermit()).isNull();
            assertThat(breaker.notPermittedCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().notPermittedCalls()).isEqualTo(1);
        }

        @Test
        void openBreakerDoesNotRunTheCallThroughThePipeline() {
            CircuitBreaker breaker = openBreaker(b -> b);
            AtomicInteger runs = new AtomicInteger();

            assertThatThrownBy(() -> pipeline(breaker).call(runs::incrementAndGet))
                    .isInstanceOf(CircuitBreakerOpenException.class);

            assertThat(runs).hasValue(0);
        }

        @Test
        void becomesHalfOpenWhenTheWaitEndsWithoutAnyCall() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT.minusNanos(1));
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofNanos(1));

            clock.advance(1);

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            StateTransition transition = lastTransition(breaker);
            assertThat(transition.from()).isEqualTo(OPEN);
            assertThat(transition.to()).isEqualTo(HALF_OPEN);
            assertThat(transition.reason()).isEqualTo("wait duration in open state elapsed");
            assertThat(transition.time()).isEqualTo(START.plus(WAIT));
            assertThat(eventsOf(EventType.STATE_TRANSITION)).extracting(ResilienceEvent::detail)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
        }

        @Test
        void snapshotShowsHalfOpenOnceTheWaitHasEnded() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT);

            CircuitBreakerSnapshot snapshot = breaker.snapshot();

            assertThat(snapshot.state()).isEqualTo(HALF_OPEN);
            assertThat(snapshot.remainingOpenTime()).isEqualTo(Duration.ZERO);
        }

        @Test
        void firstCallAfterTheWaitIsATrialCall() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT);

            CircuitBreaker.Permit permit = breaker.acquirePermit();

            assertThat(permit).isNotNull();
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
        }

        @Test
        void halfOpenAdmitsExactlyThePermittedTrialCallsThenRejects() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            breaker.acquirePermit();
            breaker.acquirePermit();
            breaker.acquirePermit();

            CircuitBreakerOpenException rejection = rejection(breaker::acquirePermit);

            assertThat(rejection).hasMessage("circuit breaker 'inventory' is HALF_OPEN and all its trial calls are taken");
            assertThat(rejection.state()).isEqualTo(HALF_OPEN);
            assertThat(rejection.remainingOpenTime()).isEqualTo(Duration.ZERO);
            assertThat(breaker.tryAcquirePermit()).isNull();
            assertThat(breaker.notPermittedCalls()).isEqualTo(2);
        }

        @Test
        void halfOpenClosesWhenTrialRatesStayBelowThresholds() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            fail(breaker, 1);
            succeed(breaker, 2);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(lastTransition(breaker).reason())
                    .isEqualTo("trial calls: failure rate 33.3% < 50%, slow call rate 0% < 100%");
            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.bufferedCalls()).isZero();
            assertThat(snapshot.failedCalls()).isZero();
            assertThat(snapshot.failureRate()).isEqualTo(-1f);
        }

        @Test
        void halfOpenWaitsForMoreTrialsWhileTheOutcomeIsUncertain() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            fail(breaker, 1);
            succeed(breaker, 1);

            // 1 of 3 failed: the last trial decides between 33.3% and 66.7%.
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.bufferedCalls()).isEqualTo(2);
            assertThat(snapshot.failedCalls()).isEqualTo(1);
            assertThat(snapshot.failureRate()).isEqualTo(-1f);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("trial calls: failure rate 66.7% >= 50%");
        }

        @Test
        void halfOpenReopensOnTheThirdFailedTrialOfFiveWithoutWaitingForTheOthers() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(5));
            List<CircuitBreaker.Permit> trials = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                trials.add(breaker.acquirePermit());
            }
            trials.get(0).onError(0, new IOException("still down"));
            trials.get(1).onError(0, new IOException("still down"));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            trials.get(2).onError(0, new IOException("still down"));

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason())
                    .isEqualTo("trial calls: 3 of 5 failed, failure rate at least 60% >= 50%");
            assertThat(lastTransition(breaker).time()).isEqualTo(START.plus(WAIT));
            CircuitBreakerSnapshot opened = breaker.snapshot();
            assertThat(opened).isEqualTo(new CircuitBreakerSnapshot(OPEN, 100, 0, 3, 3, 0, 0, WAIT));
            assertThat(rejection(breaker::acquirePermit)).hasMessage(
                    "circuit breaker 'inventory' is OPEN and does not permit calls for another 30000ms");

            // The two trials still running finish late: they report to the old state and change nothing.
            trials.get(3).onSuccess(0);
            trials.get(4).onError(0, new IOException("late"));

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot()).isEqualTo(new CircuitBreakerSnapshot(OPEN, 100, 0, 3, 3, 0, 1, WAIT));
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN");
            assertThat(breaker.failedCalls()).isEqualTo(10 + 4);
            assertThat(breaker.successfulCalls()).isEqualTo(1);

            clock.advance(WAIT);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            for (int i = 0; i < 5; i++) {
                assertThat(breaker.tryAcquirePermit()).isNotNull();
            }
            assertThat(breaker.tryAcquirePermit()).isNull();
        }

        @Test
        void halfOpenStateThatHasDecidedHandsOutNoMoreTrialPermits() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(5));
            List<CircuitBreaker.Permit> trials = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                trials.add(breaker.acquirePermit());
            }
            // What a caller holds that read the state just before it was left.
            BreakerState left = (BreakerState) trials.get(0);

            failFirst(trials, 3);
            trials.get(3).release();

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(left.tryAcquire()).isNull();
        }

        private static void failFirst(List<CircuitBreaker.Permit> trials, int count) {
            for (int i = 0; i < count; i++) {
                trials.get(i).onError(0, new IOException("still down"));
            }
        }

        @Test
        void halfOpenClosesOnTheThirdSuccessfulTrialOfFive() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(5));
            List<CircuitBreaker.Permit> trials = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                trials.add(breaker.acquirePermit());
            }
            trials.get(0).onSuccess(0);
            trials.get(1).onSuccess(0);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            trials.get(2).onSuccess(0);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(lastTransition(breaker).reason()).isEqualTo(
                    "trial calls: 3 of 5 finished, failure rate at most 40% < 50%, slow call rate at most 40% < 100%");

            trials.get(3).onError(0, new IOException("late"));
            trials.get(4).onError(0, new IOException("late"));

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.transitions()).hasSize(3);
        }

        @Test
        void halfOpenClosesOnlyOnceNoOutcomeOfTheOtherTrialsCouldReachTheThreshold() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(10));
            fail(breaker, 1);
            succeed(breaker, 5);

            // 1 failed of 6, 4 to come: all four failing would make 50%.
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            succeed(breaker, 1);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(lastTransition(breaker).reason()).isEqualTo(
                    "trial calls: 7 of 10 finished, failure rate at most 40% < 50%, slow call rate at most 30% < 100%");
        }

        @Test
        void halfOpenReopensOnceEnoughTrialsWereSlow() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(5).slowCallRateThreshold(50));
            succeedSlowly(breaker, 2);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            succeedSlowly(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason())
                    .isEqualTo("trial calls: 3 of 5 slow, slow call rate at least 60% >= 50%");
            assertThat(breaker.snapshot()).isEqualTo(new CircuitBreakerSnapshot(OPEN, 0, 100, 3, 0, 3, 0, WAIT));
        }

        @Test
        void halfOpenDoesNotCloseWhileTheOtherTrialsCouldStillBeSlowEnough() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(5)
                    .failureRateThreshold(100).slowCallRateThreshold(50));
            succeed(breaker, 2);

            // No failure can reach 100% any more, but three slow trials would make 60%.
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            succeed(breaker, 1);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(lastTransition(breaker).reason()).isEqualTo(
                    "trial calls: 3 of 5 finished, failure rate at most 40% < 100%, slow call rate at most 40% < 50%");
        }

        @Test
        void halfOpenReopensWhenTrialFailureRateReachesThresholdAndWaitsAgain() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(4));
            succeed(breaker, 2);
            fail(breaker, 2);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("trial calls: failure rate 50% >= 50%");
            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.remainingOpenTime()).isEqualTo(WAIT);
            assertThat(snapshot.failureRate()).isEqualTo(50f);
            assertThat(snapshot.bufferedCalls()).isEqualTo(4);

            clock.advance(WAIT.minusMillis(1));
            assertThat(breaker.state()).isEqualTo(OPEN);
            clock.advance(Duration.ofMillis(1));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        }

        @Test
        void halfOpenReopensWhenTrialsAreSlow() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            succeedSlowly(breaker, 3);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo("trial calls: slow call rate 100% >= 100%");
        }

        @Test
        void ignoredTrialHandsItsPermitBack() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.ignoreExceptions(IllegalArgumentException.class));
            CircuitBreaker.Permit first = breaker.acquirePermit();
            CircuitBreaker.Permit second = breaker.acquirePermit();
            CircuitBreaker.Permit third = breaker.acquirePermit();
            assertThat(breaker.tryAcquirePermit()).isNull();

            first.onError(0, new IllegalArgumentException("bad request"));
            CircuitBreaker.Permit fourth = breaker.tryAcquirePermit();
            assertThat(fourth).isNotNull();
            assertThat(breaker.tryAcquirePermit()).isNull();

            second.onError(0, Outcomes.ignore(new IOException("not found")));
            CircuitBreaker.Permit fifth = breaker.tryAcquirePermit();
            assertThat(fifth).isNotNull();

            third.onSuccess(0);
            fourth.onError(0, new IOException("still flaky"));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            fifth.onSuccess(0);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(lastTransition(breaker).reason())
                    .isEqualTo("trial calls: failure rate 33.3% < 50%, slow call rate 0% < 100%");
            assertThat(breaker.ignoredCalls()).isEqualTo(2);
        }

        @Test
        void releasedTrialHandsItsPermitBack() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(1));
            CircuitBreaker.Permit permit = breaker.acquirePermit();
            assertThat(breaker.tryAcquirePermit()).isNull();

            permit.release();

            assertThat(breaker.tryAcquirePermit()).isNotNull();
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        }

        @Test
        void throwingResultPredicateHandsTheTrialPermitBack() {
            IllegalStateException predicateBug = new IllegalStateException("predicate bug");
            CircuitBreaker breaker = halfOpenBreaker(b -> b.permittedCallsInHalfOpenState(1).recordResult(result -> {
                throw predicateBug;
            }));
            CircuitBreaker.Permit permit = breaker.acquirePermit();

            assertThatThrownBy(() -> permit.onResult(0, "value")).isSameAs(predicateBug);

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            CircuitBreaker.Permit next = breaker.tryAcquirePermit();
            assertThat(next).isNotNull();
            next.onSuccess(0);
            assertThat(breaker.state()).isEqualTo(CLOSED);
        }

        @Test
        void trialFromAnEarlierHalfOpenStateDoesNotCountInTheNextOne() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            CircuitBreaker.Permit stale = breaker.acquirePermit();
            breaker.transitionTo(OPEN);
            breaker.transitionTo(HALF_OPEN);

            stale.onError(0, new IOException("late"));

            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.tryAcquirePermit()).isNotNull();
            assertThat(breaker.tryAcquirePermit()).isNotNull();
            assertThat(breaker.tryAcquirePermit()).isNotNull();
            assertThat(breaker.tryAcquirePermit()).isNull();
        }

        @Test
        void trialFinishingAfterAManualCloseDoesNotCountInTheNewWindow() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            CircuitBreaker.Permit stale = breaker.acquirePermit();
            breaker.transitionTo(CLOSED);

            stale.onSuccess(0);

            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.successfulCalls()).isEqualTo(1);
        }

        @Test
        void callFinishingAfterAResetDoesNotCountInTheNewWindow() {
            CircuitBreaker breaker = breaker();
            CircuitBreaker.Permit staleFailure = breaker.acquirePermit();
            CircuitBreaker.Permit staleSuccess = breaker.acquirePermit();
            breaker.reset();

            staleFailure.onError(0, new IOException("late"));
            staleSuccess.onSuccess(0);

            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.bufferedCalls()).isZero();
            assertThat(snapshot.failedCalls()).isZero();
            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.successfulCalls()).isEqualTo(1);
        }

        @Test
        void staleCallsCannotHideFailuresInANewWindow() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(4).minimumNumberOfCalls(4)
                    .failureRateThreshold(75));
            List<CircuitBreaker.Permit> stale = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                stale.add(breaker.acquirePermit());
            }
            breaker.reset();
            fail(breaker, 2);

            stale.forEach(permit -> permit.onSuccess(0));
            fail(breaker, 2);

            // The new window holds four failures; stale successes must not have pushed them out.
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().failureRate()).isEqualTo(100f);
        }
    }

    private CircuitBreaker openBreakerOn(Clock breakerClock) {
        CircuitBreaker breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.builder().slidingWindowSize(10)
                .minimumNumberOfCalls(10).waitDurationInOpenState(WAIT).permittedCallsInHalfOpenState(3).build(),
                breakerClock);
        breaker.events().onEvent(events::add);
        fail(breaker, 10);
        assertThat(breaker.state()).isEqualTo(OPEN);
        return breaker;
    }

    @Nested
    class EndOfWait {

        @Test
        void readingStateAndSnapshotAfterTheWaitNeitherTransitionsNorPublishes() {
            LateTimerClock lateTimer = LateTimerClock.holdingTasks(clock);
            CircuitBreaker breaker = openBreakerOn(lateTimer);
            events.clear();
            clock.advance(WAIT.plusSeconds(5));

            for (int i = 0; i < 1_000; i++) {
                assertThat(breaker.state()).isEqualTo(OPEN);
                CircuitBreakerSnapshot snapshot = breaker.snapshot();
                assertThat(snapshot.state()).isEqualTo(OPEN);
                assertThat(snapshot.remainingOpenTime()).isEqualTo(Duration.ZERO);
                assertThat(breaker).hasToString("CircuitBreaker[inventory, OPEN]");
            }

            assertThat(events).isEmpty();
            assertThat(breaker.transitions()).extracting(StateTransition::toString).containsExactly("CLOSED->OPEN");
            assertThat(lateTimer.held).hasSize(1);

            lateTimer.held.get(0).fire();

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(eventsOf(EventType.STATE_TRANSITION)).extracting(ResilienceEvent::detail,
                    ResilienceEvent::reason).containsExactly(org.assertj.core.groups.Tuple.tuple("OPEN->HALF_OPEN",
                            "wait duration in open state elapsed"));
        }

        @Test
        void timerMovesToHalfOpenWhenTheWaitEndsAndNotBefore() {
            CircuitBreaker breaker = openBreaker(b -> b);
            assertThat(clock.pendingTasks()).isEqualTo(1);

            clock.advance(WAIT.minusNanos(1));
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(eventsOf(EventType.STATE_TRANSITION)).hasSize(1);

            clock.advance(1);

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(clock.pendingTasks()).isZero();
            assertThat(eventsOf(EventType.STATE_TRANSITION)).extracting(ResilienceEvent::detail, ResilienceEvent::time)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("CLOSED->OPEN", START),
                            org.assertj.core.groups.Tuple.tuple("OPEN->HALF_OPEN", START.plus(WAIT)));

            clock.advance(WAIT.multipliedBy(3));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(breaker.transitions()).hasSize(2);
        }

        @Test
        void firstCallAfterTheWaitMovesToHalfOpenWhenTheTimerIsLateAndTheTimerThenDoesNothing() {
            LateTimerClock lateTimer = LateTimerClock.holdingTasks(clock);
            CircuitBreaker breaker = openBreakerOn(lateTimer);
            clock.advance(WAIT);

            CircuitBreaker.Permit trial = breaker.acquirePermit();
            LateTimerClock.HeldTask timer = lateTimer.held.get(0);
            assertThat(timer.cancelled()).as("cancelled on leaving OPEN").isTrue();
            timer.fire();

            assertThat(trial).isNotNull();
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN");
            assertThat(eventsOf(EventType.STATE_TRANSITION)).hasSize(2);
        }

        @Test
        void staleTimerThatWasNotCancelledDoesNotMoveTheNextOpenState() {
            LateTimerClock uncancellable = LateTimerClock.ignoringCancellation(clock);
            CircuitBreaker breaker = openBreakerOn(uncancellable);
            clock.advance(Duration.ofSeconds(10));
            breaker.transitionTo(CLOSED);
            breaker.transitionTo(OPEN);
            assertThat(uncancellable.cancellations).hasValue(1);

            clock.advance(Duration.ofSeconds(20)); // the first OPEN's timer fires here

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofSeconds(10));
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->CLOSED", "CLOSED->OPEN");

            clock.advance(Duration.ofSeconds(10));

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(lastTransition(breaker).time()).isEqualTo(START.plusSeconds(40));
            assertThat(eventsOf(EventType.STATE_TRANSITION)).extracting(ResilienceEvent::detail)
                    .containsExactly("CLOSED->OPEN", "OPEN->CLOSED", "CLOSED->OPEN", "OPEN->HALF_OPEN");
        }

        @Test
        void manualTransitionOutOfOpenCancelsTheTimer() {
            CircuitBreaker breaker = openBreaker(b -> b);

            breaker.transitionTo(FORCED_OPEN);
            assertThat(clock.pendingTasks()).isZero();
            clock.advance(WAIT.multipliedBy(2));

            assertThat(breaker.state()).isEqualTo(FORCED_OPEN);
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->FORCED_OPEN");
        }

        @Test
        void resetCancelsTheTimer() {
            CircuitBreaker breaker = openBreaker(b -> b);

            breaker.reset();
            assertThat(clock.pendingTasks()).isZero();
            clock.advance(WAIT.multipliedBy(2));

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->CLOSED");
        }

        @Test
        void manualTransitionToOpenSchedulesTheEndOfItsWait() {
            CircuitBreaker breaker = breaker();
            clock.advance(Duration.ofMinutes(3));

            breaker.transitionTo(OPEN);

            assertThat(clock.pendingTasks()).isEqualTo(1);
            clock.advance(WAIT);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(lastTransition(breaker).time()).isEqualTo(START.plus(Duration.ofMinutes(3)).plus(WAIT));
        }

        @Test
        void manualTransitionToOpenAfterTheWaitStartsAFreshWaitEvenWhenTheTimerIsLate() {
            LateTimerClock lateTimer = LateTimerClock.holdingTasks(clock);
            CircuitBreaker breaker = openBreakerOn(lateTimer);
            clock.advance(WAIT.plusSeconds(1));

            breaker.transitionTo(OPEN);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(WAIT);
            assertThat(breaker.transitions()).extracting(StateTransition::toString, StateTransition::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("CLOSED->OPEN", "failure rate 100% >= 50%"),
                            org.assertj.core.groups.Tuple.tuple("OPEN->HALF_OPEN",
                                    "wait duration in open state elapsed"),
                            org.assertj.core.groups.Tuple.tuple("HALF_OPEN->OPEN", "changed by hand"));
            assertThat(lateTimer.held).hasSize(2);
            assertThat(lateTimer.held.get(0).cancelled()).isTrue();
            assertThat(lateTimer.held.get(1).cancelled()).isFalse();
        }
    }

    @Nested
    class MaxWaitInHalfOpen {

        private static final Duration MAX_WAIT = Duration.ofSeconds(10);

        @Test
        void halfOpenWithoutADecisionOpensAgainExactlyWhenTheMaxWaitEnds() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.maxWaitDurationInHalfOpenState(MAX_WAIT));
            CircuitBreaker.Permit finished = breaker.acquirePermit();
            CircuitBreaker.Permit hanging = breaker.acquirePermit();
            CircuitBreaker.Permit alsoHanging = breaker.acquirePermit();
            finished.onSuccess(0);

            clock.advance(MAX_WAIT.minusNanos(1));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            clock.advance(1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            StateTransition transition = lastTransition(breaker);
            assertThat(transition.toString()).isEqualTo("HALF_OPEN->OPEN");
            assertThat(transition.reason()).isEqualTo(
                    "no decision within max wait duration in half-open state 10000ms: 1 of 3 trial calls finished");
            assertThat(transition.time()).isEqualTo(START.plus(WAIT).plus(MAX_WAIT));
            assertThat(eventsOf(EventType.STATE_TRANSITION)).last()
                    .satisfies(event -> assertThat(event.reason()).isEqualTo(transition.reason()));
            assertThat(breaker.snapshot()).isEqualTo(new CircuitBreakerSnapshot(OPEN, -1, -1, 1, 0, 0, 0, WAIT));

            // The hanging trials finish at last: they belong to the state that gave up on them.
            hanging.onSuccess(0);
            alsoHanging.onSuccess(0);
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.transitions()).hasSize(3);

            clock.advance(WAIT);
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(clock.pendingTasks()).as("the new half-open state's max wait").isEqualTo(1);
        }

        @Test
        void maxWaitIsCancelledWhenTheTrialsDecide() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.maxWaitDurationInHalfOpenState(MAX_WAIT));
            assertThat(clock.pendingTasks()).isEqualTo(1);

            succeed(breaker, 2);

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(clock.pendingTasks()).isZero();
            clock.advance(Duration.ofHours(1));
            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.transitions()).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        }

        @Test
        void maxWaitIsCancelledWhenTheStateIsChangedByHand() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.maxWaitDurationInHalfOpenState(MAX_WAIT));

            breaker.transitionTo(DISABLED);

            assertThat(clock.pendingTasks()).isZero();
            clock.advance(MAX_WAIT.multipliedBy(2));
            assertThat(breaker.state()).isEqualTo(DISABLED);
        }

        @Test
        void zeroMaxWaitLetsHalfOpenWaitForItsTrialsForever() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b.maxWaitDurationInHalfOpenState(Duration.ZERO));
            breaker.acquirePermit();

            assertThat(clock.pendingTasks()).isZero();
            clock.advance(Duration.ofDays(30));

            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
            assertThat(breaker.transitions()).hasSize(2);
        }

        @Test
        void halfOpenEnteredByHandHasTheMaxWaitToo() {
            CircuitBreaker breaker = breaker(b -> b.maxWaitDurationInHalfOpenState(MAX_WAIT));
            breaker.transitionTo(HALF_OPEN);

            clock.advance(MAX_WAIT);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(lastTransition(breaker).reason()).isEqualTo(
                    "no decision within max wait duration in half-open state 10000ms: 0 of 3 trial calls finished");
        }

        @Test
        void staleMaxWaitTimerDoesNotMoveTheNextHalfOpenState() {
            LateTimerClock uncancellable = LateTimerClock.ignoringCancellation(clock);
            CircuitBreaker breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.builder()
                    .permittedCallsInHalfOpenState(3).maxWaitDurationInHalfOpenState(MAX_WAIT).build(), uncancellable);
            breaker.transitionTo(HALF_OPEN);
            clock.advance(Duration.ofSeconds(4));
            succeed(breaker, 2); // closes; the max wait at 10s is not really cancelled
            breaker.transitionTo(HALF_OPEN); // a new max wait, ending at 14s

            clock.advance(Duration.ofSeconds(6));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);

            clock.advance(Duration.ofSeconds(4));
            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.transitions()).extracting(StateTransition::toString).containsExactly(
                    "CLOSED->HALF_OPEN", "HALF_OPEN->CLOSED", "CLOSED->HALF_OPEN", "HALF_OPEN->OPEN");
            assertThat(lastTransition(breaker).time()).isEqualTo(START.plusSeconds(14));
        }
    }

    @Nested
    class ManualStates {

        @Test
        void forcedOpenRejectsEveryCallUntilTheStateIsChanged() {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(FORCED_OPEN);
            clock.advance(Duration.ofHours(5));

            CircuitBreakerOpenException rejection = rejection(breaker::acquirePermit);

            assertThat(breaker.state()).isEqualTo(FORCED_OPEN);
            assertThat(rejection).hasMessage(
                    "circuit breaker 'inventory' is FORCED_OPEN and does not permit calls until its state is changed");
            assertThat(rejection.state()).isEqualTo(FORCED_OPEN);
            assertThat(rejection.remainingOpenTime()).isEqualTo(Duration.ZERO);
            assertThat(breaker.notPermittedCalls()).isEqualTo(1);

            breaker.transitionTo(CLOSED);

            assertThat(breaker.tryAcquirePermit()).isNotNull();
        }

        @Test
        void disabledPermitsEveryCallAndRecordsNothing() throws Exception {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(DISABLED);
            events.clear();
            ResiliencePipeline pipeline = pipeline(breaker);

            for (int i = 0; i < 50; i++) {
                assertThatThrownBy(() -> pipeline.call(() -> {
                    throw new IOException("down");
                })).isInstanceOf(IOException.class);
            }
            assertThat(pipeline.call(() -> "fine")).isEqualTo("fine");
            failWith(breaker, Outcomes.ignore(new IOException("not found")));
            breaker.acquirePermit().onSuccess(SLOW.toNanos() * 10);

            assertThat(breaker.state()).isEqualTo(DISABLED);
            assertThat(breaker.successfulCalls()).isZero();
            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.ignoredCalls()).isZero();
            assertThat(breaker.notPermittedCalls()).isZero();
            CircuitBreakerSnapshot snapshot = breaker.snapshot();
            assertThat(snapshot.bufferedCalls()).isZero();
            assertThat(snapshot.failedCalls()).isZero();
            assertThat(snapshot.slowCalls()).isZero();
            assertThat(snapshot.failureRate()).isEqualTo(-1f);
            assertThat(snapshot.slowCallRate()).isEqualTo(-1f);
            assertThat(events).isEmpty();
        }

        static Stream<Arguments> everyPairOfDifferentStates() {
            List<Arguments> pairs = new ArrayList<>();
            for (CircuitBreaker.State from : CircuitBreaker.State.values()) {
                for (CircuitBreaker.State to : CircuitBreaker.State.values()) {
                    if (from != to) {
                        pairs.add(Arguments.of(from, to));
                    }
                }
            }
            return pairs.stream();
        }

        @ParameterizedTest(name = "{0} -> {1}")
        @MethodSource("everyPairOfDifferentStates")
        void transitionsByHandBetweenAnyTwoStates(CircuitBreaker.State from, CircuitBreaker.State to) {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(from);
            events.clear();

            breaker.transitionTo(to);

            assertThat(breaker.state()).isEqualTo(to);
            StateTransition transition = lastTransition(breaker);
            assertThat(transition.from()).isEqualTo(from);
            assertThat(transition.to()).isEqualTo(to);
            assertThat(transition.reason()).isEqualTo("changed by hand");
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.type()).isEqualTo(EventType.STATE_TRANSITION);
                assertThat(event.detail()).isEqualTo(from + "->" + to);
                assertThat(event.reason()).isEqualTo("changed by hand");
            });
        }

        @ParameterizedTest
        @EnumSource(CircuitBreaker.State.class)
        void enteredStateBehavesAsThatState(CircuitBreaker.State target) {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(target);

            int admitted = 0;
            for (int i = 0; i < 10; i++) {
                if (breaker.tryAcquirePermit() != null) {
                    admitted++;
                }
            }

            int expected = switch (target) {
                case CLOSED, DISABLED -> 10;
                case HALF_OPEN -> 3;
                case OPEN, FORCED_OPEN -> 0;
            };
            assertThat(admitted).isEqualTo(expected);
        }

        @Test
        void transitionToTheCurrentStateDoesNothing() {
            CircuitBreaker breaker = breaker();
            fail(breaker, 3);

            breaker.transitionTo(CLOSED);

            assertThat(breaker.transitions()).isEmpty();
            assertThat(breaker.snapshot().failedCalls()).isEqualTo(3);
        }

        @Test
        void transitionToOpenWhileOpenKeepsTheRunningWait() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(Duration.ofSeconds(10));

            breaker.transitionTo(OPEN);

            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofSeconds(20));
            assertThat(breaker.transitions()).hasSize(1);
        }

        @Test
        void transitionToOpenAfterTheWaitHasPassedStartsAFreshWait() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT.plusSeconds(1));

            breaker.transitionTo(OPEN);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(WAIT);
            assertThat(breaker.tryAcquirePermit()).isNull();
        }

        @Test
        void transitionToOpenByHandStartsTheFullWait() {
            CircuitBreaker breaker = breaker();
            clock.advance(Duration.ofMinutes(3));

            breaker.transitionTo(OPEN);
            clock.advance(Duration.ofSeconds(5));

            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofSeconds(25));
            clock.advance(Duration.ofSeconds(25));
            assertThat(breaker.state()).isEqualTo(HALF_OPEN);
        }

        @Test
        void transitionToClosedStartsWithAnEmptyWindow() {
            CircuitBreaker breaker = breaker();
            fail(breaker, 5);
            breaker.transitionTo(FORCED_OPEN);

            breaker.transitionTo(CLOSED);

            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            succeed(breaker, 5);
            fail(breaker, 4);
            assertThat(breaker.state()).isEqualTo(CLOSED);
        }

        @ParameterizedTest
        @EnumSource(CircuitBreaker.State.class)
        void resetClosesWithAnEmptyWindowFromAnyState(CircuitBreaker.State state) {
            CircuitBreaker breaker = breaker();
            fail(breaker, 4);
            breaker.transitionTo(state);

            breaker.reset();

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.snapshot().failedCalls()).isZero();
            StateTransition transition = lastTransition(breaker);
            assertThat(transition.from()).isEqualTo(state);
            assertThat(transition.to()).isEqualTo(CLOSED);
            assertThat(transition.reason()).isEqualTo("reset");
            fail(breaker, 9);
            assertThat(breaker.state()).isEqualTo(CLOSED);
        }

        @Test
        void resetKeepsTheCumulativeCounters() {
            CircuitBreaker breaker = openBreaker(b -> b);
            breaker.tryAcquirePermit();

            breaker.reset();

            assertThat(breaker.failedCalls()).isEqualTo(10);
            assertThat(breaker.notPermittedCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().notPermittedCalls()).isEqualTo(1);
        }
    }

    @Nested
    class Snapshots {

        @Test
        void closedSnapshotShowsCountsAndNoRatesBelowMinimum() {
            CircuitBreaker breaker = breaker();
            succeed(breaker, 3);
            fail(breaker, 2);
            succeedSlowly(breaker, 1);

            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(CLOSED, -1, -1, 6, 2, 1, 0, Duration.ZERO));
        }

        @Test
        void closedSnapshotShowsRatesFromMinimumCalls() {
            CircuitBreaker breaker = breaker(b -> b.failureRateThreshold(80));
            succeed(breaker, 4);
            succeedSlowly(breaker, 2);
            fail(breaker, 4);

            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(CLOSED, 40, 20, 10, 4, 2, 0, Duration.ZERO));
        }

        @Test
        void openSnapshotKeepsTheRatesThatOpenedItAndCountsDown() {
            CircuitBreaker breaker = breaker();
            succeed(breaker, 3);
            fail(breaker, 7);
            breaker.tryAcquirePermit();
            clock.advance(Duration.ofMillis(12_500));

            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(OPEN, 70, 0, 10, 7, 0, 1, Duration.ofMillis(17_500)));
        }

        @Test
        void halfOpenSnapshotShowsFinishedTrials() {
            CircuitBreaker breaker = halfOpenBreaker(b -> b);
            fail(breaker, 1);
            succeedSlowly(breaker, 1);
            breaker.acquirePermit();
            breaker.tryAcquirePermit();

            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(HALF_OPEN, -1, -1, 2, 1, 1, 1, Duration.ZERO));
        }

        @Test
        void forcedOpenAndDisabledSnapshotsShowNoCalls() {
            CircuitBreaker breaker = breaker();
            fail(breaker, 5);

            breaker.transitionTo(FORCED_OPEN);
            breaker.tryAcquirePermit();
            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(FORCED_OPEN, -1, -1, 0, 0, 0, 1, Duration.ZERO));

            breaker.transitionTo(DISABLED);
            assertThat(breaker.snapshot()).isEqualTo(
                    new CircuitBreakerSnapshot(DISABLED, -1, -1, 0, 0, 0, 1, Duration.ZERO));
        }
    }

    @Nested
    class WhatCounts {

        @Test
        void recordExceptionsCountOnlyTheListedTypesAndTheirSubclassesAndOthersAsSuccesses() {
            CircuitBreaker breaker = breaker(b -> b.recordExceptions(IOException.class));

            failWith(breaker, new IOException("reset"));
            failWith(breaker, new FileNotFoundException("gone"));
            failWith(breaker, new IllegalStateException("bug"));

            assertThat(breaker.failedCalls()).isEqualTo(2);
            assertThat(breaker.successfulCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isZero();
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(3);
        }

        @Test
        void ignoreExceptionsWinOverRecordExceptions() {
            CircuitBreaker breaker = breaker(b -> b.recordExceptions(IOException.class)
                    .ignoreExceptions(FileNotFoundException.class));

            failWith(breaker, new FileNotFoundException("gone"));
            failWith(breaker, new IOException("reset"));

            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(1);
        }

        @Test
        void ignoreExceptionsMatchSubclasses() {
            CircuitBreaker breaker = breaker(b -> b.ignoreExceptions(IOException.class));

            failWith(breaker, new FileNotFoundException("gone"));
            failWith(breaker, new IllegalStateException("bug"));

            assertThat(breaker.ignoredCalls()).isEqualTo(1);
            assertThat(breaker.failedCalls()).isEqualTo(1);
        }

        @Test
        void ignoredFailuresNeverOpenTheBreaker() {
            CircuitBreaker breaker = breaker(b -> b.ignoreExceptions(IllegalArgumentException.class));
            for (int i = 0; i < 100; i++) {
                failWith(breaker, new IllegalArgumentException("bad input"));
            }

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(breaker.ignoredCalls()).isEqualTo(100);
        }

        @Test
        void errorsCountAsFailuresByDefault() {
            CircuitBreaker breaker = breaker();

            failWith(breaker, new StackOverflowError());

            assertThat(breaker.failedCalls()).isEqualTo(1);
        }

        @Test
        void resultPredicateCountsReturnedValuesAsFailures() {
            CircuitBreaker breaker = breaker(b -> b.recordResult("busy"::equals));

            breaker.acquirePermit().onResult(0, "busy");
            breaker.acquirePermit().onResult(0, "done");
            breaker.acquirePermit().onResult(0, null);

            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.successfulCalls()).isEqualTo(2);
            assertThat(breaker.snapshot().failedCalls()).isEqualTo(1);
            assertThat(eventTypes()).containsExactly(EventType.ERROR, EventType.SUCCESS, EventType.SUCCESS);
            assertThat(events.get(0).error()).isNull();
        }

        @Test
        void resultCountedAsFailureOpensTheBreakerAndIsStillReturned() throws Exception {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2)
                    .recordResult(result -> result == null));
            ResiliencePipeline pipeline = pipeline(breaker);

            assertThat(pipeline.call(() -> (String) null)).isNull();
            assertThat(pipeline.call(() -> "ok")).isEqualTo("ok");

            assertThat(breaker.state()).isEqualTo(OPEN);
        }

        @Test
        void withoutResultPredicateEveryReturnedValueIsASuccess() {
            CircuitBreaker breaker = breaker();

            breaker.acquirePermit().onResult(0, null);
            breaker.acquirePermit().onResult(0, "error");

            assertThat(breaker.successfulCalls()).isEqualTo(2);
            assertThat(breaker.failedCalls()).isZero();
        }

        static Stream<Throwable> callerInterruptions() {
            return Stream.of(new InterruptedException("caller interrupted"), new CancellationException("cancelled"),
                    new ClosedByInterruptException(), new InterruptedIOException("read interrupted"));
        }

        @ParameterizedTest
        @MethodSource("callerInterruptions")
        void callerInterruptionIsNotCountedByDefault(Throwable interruption) {
            CircuitBreaker breaker = breaker();

            failWith(breaker, interruption);

            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.ignoredCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(eventTypes()).containsExactly(EventType.IGNORED_ERROR);
        }

        @ParameterizedTest
        @MethodSource("callerInterruptions")
        void callerInterruptionIsCountedWhenConfigured(Throwable interruption) {
            CircuitBreaker breaker = breaker(b -> b.countCallerInterruption(true));

            failWith(breaker, interruption);

            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isZero();
        }

        @Test
        void socketTimeoutIsAFailureEvenThoughItIsAnInterruptedIOException() {
            CircuitBreaker breaker = breaker();

            failWith(breaker, new SocketTimeoutException("read timed out"));

            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isZero();
        }

        @Test
        void callerInterruptionIsNotCountedThroughThePipeline() {
            CircuitBreaker breaker = breaker();

            assertThatThrownBy(() -> pipeline(breaker).call(() -> {
                throw new InterruptedException("shutting down");
            })).isInstanceOf(InterruptedException.class);

            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.ignoredCalls()).isEqualTo(1);
        }

        @Test
        void failureMarkedIgnoredIsNotCountedAndTheCallerGetsTheOriginal() {
            CircuitBreaker breaker = breaker();
            IOException notFound = new IOException("404");

            Throwable thrown = catchThrowable(() -> pipeline(breaker).call(() -> {
                throw Outcomes.ignore(notFound);
            }));

            assertThat(thrown).isSameAs(notFound);
            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.ignoredCalls()).isEqualTo(1);
            assertThat(breaker.snapshot().bufferedCalls()).isZero();
            assertThat(eventsOf(EventType.IGNORED_ERROR)).singleElement()
                    .satisfies(event -> assertThat(event.error()).isSameAs(notFound));
        }

        @Test
        void failureMarkedAsSuccessCountsAsSuccessAndTheCallerGetsTheOriginal() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2));
            IOException expected = new IOException("already exists");

            for (int i = 0; i < 2; i++) {
                Throwable thrown = catchThrowable(() -> pipeline(breaker).call(() -> {
                    throw Outcomes.markAsSuccess(expected);
                }));
                assertThat(thrown).isSameAs(expected);
            }

            assertThat(breaker.state()).isEqualTo(CLOSED);
            assertThat(breaker.successfulCalls()).isEqualTo(2);
            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.snapshot().failureRate()).isEqualTo(0f);
            assertThat(eventTypes()).containsExactly(EventType.SUCCESS, EventType.SUCCESS);
        }

        @Test
        void markAsSuccessWinsOverIgnoreExceptions() {
            CircuitBreaker breaker = breaker(b -> b.ignoreExceptions(IOException.class));

            failWith(breaker, Outcomes.markAsSuccess(new IOException("fine")));

            assertThat(breaker.successfulCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isZero();
        }

        @Test
        void aFullBulkheadIsJustAnotherFailureToTheBreakerAlone() {
            // That a full bulkhead nested inside is not the downstream's failure is the composition's rule:
            // see ResiliencePipelineTest. The breaker on its own knows no other policy.
            CircuitBreaker breaker = breaker();

            failWith(breaker, new BulkheadFullException("pool", 10, Duration.ZERO, false));

            assertThat(breaker.failedCalls()).isEqualTo(1);
            assertThat(breaker.ignoredCalls()).isZero();
        }
    }

    @Nested
    class Rejections {

        @Test
        void rejectionHasNoStackTraceByDefault() {
            CircuitBreaker breaker = openBreaker(b -> b);

            assertThat(rejection(breaker::acquirePermit).getStackTrace()).isEmpty();
        }

        @Test
        void rejectionHasAStackTraceWhenConfigured() {
            CircuitBreaker breaker = openBreaker(b -> b.writableStackTrace(true));

            assertThat(rejection(breaker::acquirePermit).getStackTrace()).isNotEmpty();
        }

        @Test
        void rejectionMessageRoundsRemainingTimeDownToMilliseconds() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(Duration.ofNanos(1_500_000));

            CircuitBreakerOpenException rejection = rejection(breaker::acquirePermit);

            assertThat(rejection).hasMessage(
                    "circuit breaker 'inventory' is OPEN and does not permit calls for another 29998ms");
            assertThat(rejection.remainingOpenTime()).isEqualTo(WAIT.minusNanos(1_500_000));
        }
    }

    @Nested
    class Events {

        @Test
        void publishesTheOpeningWithDetailAndReason() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(5).minimumNumberOfCalls(5));
            clock.advance(Duration.ofSeconds(7));
            succeed(breaker, 2);
            fail(breaker, 3);

            assertThat(eventsOf(EventType.STATE_TRANSITION)).singleElement().satisfies(event -> {
                assertThat(event.detail()).isEqualTo("CLOSED->OPEN");
                assertThat(event.reason()).isEqualTo("failure rate 60% >= 50%");
                assertThat(event.name()).isEqualTo("inventory");
                assertThat(event.policy()).isEqualTo(PolicyKind.CIRCUIT_BREAKER);
                assertThat(event.time()).isEqualTo(START.plusSeconds(7));
            });
        }

        @Test
        void publishesAnEventForEveryOutcome() {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2)
                    .ignoreExceptions(IllegalArgumentException.class));
            IOException failure = new IOException("down");
            IllegalArgumentException ignored = new IllegalArgumentException("bad input");

            breaker.acquirePermit().onSuccess(Duration.ofMillis(5).toNanos());
            breaker.acquirePermit().onError(Duration.ofMillis(7).toNanos(), ignored);
            breaker.acquirePermit().onError(Duration.ofMillis(9).toNanos(), failure);
            breaker.tryAcquirePermit();

            assertThat(eventTypes()).containsExactly(EventType.SUCCESS, EventType.IGNORED_ERROR, EventType.ERROR,
                    EventType.STATE_TRANSITION, EventType.NOT_PERMITTED);
            assertThat(events.get(0).duration()).isEqualTo(Duration.ofMillis(5));
            assertThat(events.get(0).error()).isNull();
            assertThat(events.get(1).error()).isSameAs(ignored);
            assertThat(events.get(1).duration()).isEqualTo(Duration.ofMillis(7));
            assertThat(events.get(2).error()).isSameAs(failure);
            assertThat(events.get(2).duration()).isEqualTo(Duration.ofMillis(9));
            assertThat(events).allSatisfy(event -> assertThat(event.name()).isEqualTo("inventory"));
        }

        @Test
        void rejectedPipelineCallPublishesNotPermitted() {
            CircuitBreaker breaker = openBreaker(b -> b);
            events.clear();

            catchThrowable(() -> pipeline(breaker).call(() -> "never"));

            assertThat(eventTypes()).containsExactly(EventType.NOT_PERMITTED);
        }

        @Test
        void throwingListenerDoesNotBreakTheCallOrTheBreaker() throws Exception {
            CircuitBreaker breaker = breaker(b -> b.slidingWindowSize(2).minimumNumberOfCalls(2));
            breaker.events().onEvent(event -> {
                throw new IllegalStateException("listener bug");
            });
            ResiliencePipeline pipeline = pipeline(breaker);

            assertThat(pipeline.call(() -> "ok")).isEqualTo("ok");
            assertThatThrownBy(() -> pipeline.call(() -> {
                throw new IOException("down");
            })).isInstanceOf(IOException.class).hasMessage("down");

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.transitions()).hasSize(1);
            assertThat(eventTypes()).containsExactly(EventType.SUCCESS, EventType.ERROR,
                    EventType.STATE_TRANSITION);
        }

        @Test
        void publishesEveryTransitionOfARecoveryCycle() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT);
            succeed(breaker, 2);

            assertThat(eventsOf(EventType.STATE_TRANSITION))
                    .extracting(ResilienceEvent::detail, ResilienceEvent::reason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("CLOSED->OPEN", "failure rate 100% >= 50%"),
                            org.assertj.core.groups.Tuple.tuple("OPEN->HALF_OPEN",
                                    "wait duration in open state elapsed"),
                            org.assertj.core.groups.Tuple.tuple("HALF_OPEN->CLOSED", "trial calls: 2 of 3 finished, "
                                    + "failure rate at most 33.3% < 50%, slow call rate at most 33.3% < 100%"));
        }
    }

    @Nested
    class History {

        @Test
        void recordsTransitionsOldestFirstWithTimeAndReason() {
            CircuitBreaker breaker = openBreaker(b -> b);
            clock.advance(WAIT);
            fail(breaker, 2);
            clock.advance(Duration.ofSeconds(4));
            breaker.transitionTo(FORCED_OPEN);

            List<StateTransition> transitions = breaker.transitions();

            assertThat(transitions).extracting(StateTransition::toString)
                    .containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN", "OPEN->FORCED_OPEN");
            assertThat(transitions).extracting(StateTransition::time).containsExactly(START,
                    START.plus(WAIT), START.plus(WAIT), START.plus(WAIT).plusSeconds(4));
            assertThat(transitions).extracting(StateTransition::reason).containsExactly(
                    "failure rate 100% >= 50%", "wait duration in open state elapsed",
                    "trial calls: 2 of 3 failed, failure rate at least 66.7% >= 50%", "changed by hand");
        }

        @Test
        void keepsOnlyTheLastTwentyTransitions() {
            CircuitBreaker breaker = breaker();
            for (int i = 0; i < 25; i++) {
                breaker.transitionTo(i % 2 == 0 ? FORCED_OPEN : CLOSED);
            }

            List<StateTransition> transitions = breaker.transitions();

            assertThat(transitions).hasSize(20);
            // The 6th transition (index 5) went FORCED_OPEN -> CLOSED; the 25th CLOSED -> FORCED_OPEN.
            assertThat(transitions.get(0).toString()).isEqualTo("FORCED_OPEN->CLOSED");
            assertThat(transitions.get(19).toString()).isEqualTo("CLOSED->FORCED_OPEN");
        }

        @Test
        void transitionHistoryIsAnUnmodifiableCopy() {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(OPEN);
            List<StateTransition> before = breaker.transitions();

            breaker.transitionTo(CLOSED);

            assertThat(before).hasSize(1);
            assertThatThrownBy(() -> before.add(null)).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Counters {

        @Test
        void countsEveryOutcomeSinceCreationAcrossStates() {
            CircuitBreaker breaker = breaker(b -> b.ignoreExceptions(IllegalArgumentException.class));
            succeed(breaker, 4);
            succeedSlowly(breaker, 1);
            failWith(breaker, new IllegalArgumentException("bad input"));
            fail(breaker, 5); // 5 of 10 recorded: opens
            assertThat(breaker.state()).isEqualTo(OPEN);
            breaker.tryAcquirePermit();
            catchThrowable(breaker::acquirePermit);
            clock.advance(WAIT);
            succeed(breaker, 3); // trials: closes
            breaker.transitionTo(DISABLED);
            succeed(breaker, 7);
            fail(breaker, 7);

            assertThat(breaker.successfulCalls()).isEqualTo(8);
            assertThat(breaker.failedCalls()).isEqualTo(5);
            assertThat(breaker.ignoredCalls()).isEqualTo(1);
            assertThat(breaker.notPermittedCalls()).isEqualTo(2);
        }
    }

    @Nested
    class Construction {

        @Test
        void rejectsABlankName() {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> CircuitBreaker.of(" ", CircuitBreakerConfig.ofDefaults(), clock))
                    .withMessage("name must not be blank, but was ' '");
        }

        @Test
        void defaultsOpenAfterTwentyCallsAtHalfFailing() {
            CircuitBreaker breaker = CircuitBreaker.of("defaults", CircuitBreakerConfig.ofDefaults(), clock);
            succeed(breaker, 10);
            fail(breaker, 9);
            assertThat(breaker.state()).isEqualTo(CLOSED);

            fail(breaker, 1);

            assertThat(breaker.state()).isEqualTo(OPEN);
            assertThat(breaker.snapshot().remainingOpenTime()).isEqualTo(Duration.ofSeconds(30));
            clock.advance(Duration.ofSeconds(30));
            for (int i = 0; i < 5; i++) {
                assertThat(breaker.tryAcquirePermit()).isNotNull();
            }
            assertThat(breaker.tryAcquirePermit()).isNull();
        }

        @Test
        void toStringNamesTheBreakerAndItsState() {
            CircuitBreaker breaker = breaker();
            breaker.transitionTo(FORCED_OPEN);

            assertThat(breaker).hasToString("CircuitBreaker[inventory, FORCED_OPEN]");
        }
    }
}

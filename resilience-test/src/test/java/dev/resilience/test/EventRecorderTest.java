package dev.resilience.test;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static dev.resilience.test.ResilienceAssertions.assertThat;
import static dev.resilience.test.ResilienceAssertions.assertThatIllegalArgumentException;
import static dev.resilience.test.ResilienceAssertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;

class EventRecorderTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = CircuitBreaker.of("serviceB", CircuitBreakerConfig.builder()
            .slidingWindowSize(2).minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofSeconds(5))
            .permittedCallsInHalfOpenState(1).build(), clock);
    private final Retry retry = Retry.of("serviceB", RetryConfig.builder().maxAttempts(2)
            .waitDuration(Duration.ofMillis(100)).build(), clock);
    private final ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker)
            .fallback(Fallback.of("serviceB", failure -> "fallback")).clock(clock).build();

    /** As a user would: an extension on an instance field, empty at the start of each test. */
    @RegisterExtension
    final EventRecorder events = EventRecorder.of(pipeline);

    private final List<EventRecorder> opened = new ArrayList<>();

    @AfterEach
    void closeRecorders() {
        opened.forEach(EventRecorder::close);
    }

    private Object failing() throws IOException {
        throw new IOException("down");
    }

    @Test
    void recordsEveryPolicyOfAPipelineInOrder() throws Throwable {
        assertThat(events).isEmpty();

        assertThat(pipeline.execute(this::failing)).isEqualTo("fallback");

        assertThat(events).containsEventsInOrder(EventType.ERROR, EventType.RETRY_SCHEDULED, EventType.ERROR,
                EventType.STATE_TRANSITION, EventType.RETRY_EXHAUSTED, EventType.FALLBACK_USED);
        assertThat(events).containsTransition(CLOSED, OPEN).hasTransitions(CLOSED, OPEN)
                .hasEventCount(EventType.RETRY_SCHEDULED, 1).hasNoEventOf(EventType.RETRY_SUCCEEDED);
        assertThat(events).ofPolicy(PolicyKind.CIRCUIT_BREAKER).hasSize(3);
        assertThat(events.recorded().transitions()).containsExactly("CLOSED->OPEN");

        clock.advance(Duration.ofSeconds(5));
        assertThat(pipeline.execute(() -> "healed")).isEqualTo("healed");
        assertThat(events).containsTransitionsInOrder(CLOSED, OPEN, HALF_OPEN, CLOSED)
                .hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED);
    }

    @Test
    void failuresListTheEventsTheyLookedAt() throws Throwable {
        pipeline.execute(() -> "ok");
        assertThat(events).hasSize(1);

        assertThatThrownBy(() -> assertThat(events).containsTransition(CLOSED, OPEN))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected the recorded events to contain the transition CLOSED->OPEN but the transitions"
                        + " were [] in:\n  2026-01-01T00:00:00Z circuitbreaker 'serviceB' SUCCESS");
        assertThatThrownBy(() -> assertThat(events).ofInstance("other").containsEvent(EventType.SUCCESS))
                .hasMessage("expected the events of 'other' to contain a SUCCESS event but there was none in:\n"
                        + "(no events)");
        assertThatThrownBy(() -> assertThat(events).hasNoEventOf(EventType.SUCCESS))
                .hasMessageStartingWith("expected the recorded events to contain no SUCCESS event but there was 1 in:");
        assertThatThrownBy(() -> assertThat(events).containsEventsInOrder(EventType.SUCCESS, EventType.ERROR))
                .hasMessageStartingWith("expected the recorded events to contain the events [SUCCESS, ERROR] in this"
                        + " order but found only [SUCCESS] before ERROR in:");
        assertThatThrownBy(() -> assertThat(events).hasEventCount(EventType.ERROR, 2))
                .hasMessageStartingWith("expected the recorded events to contain 2 ERROR events but there were 0");
        assertThatThrownBy(() -> assertThat(events).isEmpty())
                .hasMessageStartingWith("expected the recorded events to be empty but there was 1 event in:");
        assertThatThrownBy(() -> assertThat(events).ofPolicy(PolicyKind.RETRY).containsEvent(EventType.RETRY_EXHAUSTED))
                .hasMessageStartingWith("expected the retry events to contain a RETRY_EXHAUSTED event");
    }

    @Test
    void transitionPathsInOrderOrExactly() throws Throwable {
        pipeline.execute(this::failing); // opens
        clock.advance(Duration.ofSeconds(5));
        pipeline.execute(this::failing); // the trial fails: open again
        clock.advance(Duration.ofSeconds(5));
        pipeline.execute(() -> "healed");

        assertThat(events).containsTransitionsInOrder(CLOSED, OPEN, HALF_OPEN, CLOSED);
        assertThat(events).hasTransitions(CLOSED, OPEN, HALF_OPEN, OPEN, HALF_OPEN, CLOSED);
        assertThatThrownBy(() -> assertThat(events).hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED))
                .hasMessageStartingWith("expected the recorded events to have exactly the transitions"
                        + " CLOSED->OPEN->HALF_OPEN->CLOSED but the transitions were [CLOSED->OPEN, OPEN->HALF_OPEN,"
                        + " HALF_OPEN->OPEN, OPEN->HALF_OPEN, HALF_OPEN->CLOSED] in:");
        assertThatThrownBy(() -> assertThat(events).containsTransitionsInOrder(HALF_OPEN, CLOSED, OPEN))
                .hasMessageStartingWith("expected the recorded events to contain the transitions"
                        + " HALF_OPEN->CLOSED->OPEN in this order");
    }

    @Test
    void aRegistryIsRecordedWithTheInstancesItBuildsLater() {
        CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);
        CircuitBreaker early = registry.instance("early");
        EventRecorder recorder = open(EventRecorder.of(registry));
        CircuitBreaker late = registry.instance("late");

        early.transitionTo(OPEN);
        late.transitionTo(CircuitBreaker.State.FORCED_OPEN);

        assertThat(recorder).ofInstance("early").hasTransitions(CLOSED, OPEN);
        assertThat(recorder).ofInstance("late").hasTransitions(CLOSED, CircuitBreaker.State.FORCED_OPEN);
        assertThat(recorder.recorded().transitions()).containsExactly("early: CLOSED->OPEN",
                "late: CLOSED->FORCED_OPEN");
    }

    @Test
    void closingStopsRecordingAndKeepsWhatWasRecorded() {
        CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);
        EventRecorder recorder = EventRecorder.of(registry, breaker);
        breaker.transitionTo(OPEN);

        recorder.close();
        breaker.transitionTo(CLOSED);
        registry.instance("after").transitionTo(OPEN);

        assertThat(recorder).hasTransitions(CLOSED, OPEN);
        assertThatThrownBy(() -> recorder.record(breaker)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clearForgetsAndGoesOn() {
        EventRecorder recorder = open(EventRecorder.of(breaker.events()));
        breaker.transitionTo(OPEN);
        recorder.clear();
        breaker.transitionTo(CLOSED);

        assertThat(recorder).hasTransitions(OPEN, CLOSED);
    }

    @Test
    void recordsFromManyThreadsAtOnce() throws InterruptedException {
        CircuitBreaker busy = CircuitBreaker.of("busy", CircuitBreakerConfig.builder().slidingWindowSize(1000)
                .minimumNumberOfCalls(1000).build(), clock);
        EventRecorder recorder = open(EventRecorder.of(busy));
        ResiliencePipeline calls = ResiliencePipeline.builder().circuitBreaker(busy).clock(clock).build();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 4; t++) {
            threads.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 250; i++) {
                    calls.get(() -> "ok");
                }
            });
        }
        start.countDown();
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(recorder).hasEventCount(EventType.SUCCESS, 1000);
    }

    @Test
    void refusesWhatHasNoEvents() {
        assertThatIllegalArgumentException().isThrownBy(() -> EventRecorder.of("not a policy"))
                .withMessage("cannot record the events of not a policy (java.lang.String): give a policy, a pipeline,"
                        + " a registry or an EventPublisher");
    }

    private EventRecorder open(EventRecorder recorder) {
        opened.add(recorder);
        return recorder;
    }
}

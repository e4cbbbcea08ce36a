package dev.resilience.spring.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/** The recent events: bounded per instance, state transitions kept apart, merged newest first. */
class RecentEventsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void transitionThatOpenedTheBreakerSurvivesAHundredThousandRejections() {
        RecentEvents events = new RecentEvents(200);
        events.onEvent(event(T0, EventType.STATE_TRANSITION, "backend", "CLOSED->OPEN"));
        for (int i = 0; i < 100_000; i++) {
            events.onEvent(event(T0, EventType.NOT_PERMITTED, "backend", "rejection " + i));
        }

        List<ResilienceEvent> recent = events.newestFirst("backend", PolicyKind.CIRCUIT_BREAKER);
        assertThat(recent).hasSize(201);
        assertThat(recent.get(0).detail()).isEqualTo("rejection 99999");
        assertThat(recent.get(199).detail()).isEqualTo("rejection 99800");
        assertThat(recent.get(200).type()).isEqualTo(EventType.STATE_TRANSITION);
        assertThat(recent.get(200).detail()).isEqualTo("CLOSED->OPEN");
    }

    @Test
    void aRateLimiterLosingItsEngineSurvivesTheRejectionsThatFollow() {
        RecentEvents events = new RecentEvents(10);
        events.onEvent(event(T0, EventType.RATE_LIMITER_ENGINE_LOST, "fleet", "limiting locally to 25 per PT1S"));
        for (int i = 0; i < 1_000; i++) {
            events.onEvent(event(T0.plusMillis(1), EventType.RATE_LIMITER_REJECTED, "fleet", "rejection " + i));
        }
        events.onEvent(event(T0.plusMillis(2), EventType.RATE_LIMITER_ENGINE_BACK, "fleet", ""));

        List<ResilienceEvent> recent = events.newestFirst("fleet", PolicyKind.RATE_LIMITER);
        assertThat(recent).hasSize(12);
        assertThat(recent.get(0).type()).isEqualTo(EventType.RATE_LIMITER_ENGINE_BACK);
        assertThat(recent.get(1).detail()).isEqualTo("rejection 999");
        assertThat(recent.get(11).type()).isEqualTo(EventType.RATE_LIMITER_ENGINE_LOST);
        assertThat(events.newestFirst("fleet", PolicyKind.RETRY)).isEmpty();
    }

    @Test
    void switchingChaosOnSurvivesTheFaultsItInjects() {
        RecentEvents events = new RecentEvents(10);
        events.onEvent(event(T0, EventType.CHAOS_CHANGED, "backend", "ChaosConfig[enabled=true, faultRate=1.0]"));
        for (int i = 0; i < 1_000; i++) {
            events.onEvent(event(T0.plusMillis(1), EventType.CHAOS_FAULT_INJECTED, "backend", "fault " + i));
        }

        List<ResilienceEvent> recent = events.newestFirst("backend", PolicyKind.CHAOS);
        assertThat(recent).hasSize(11);
        assertThat(recent.get(0).detail()).isEqualTo("fault 999");
        assertThat(recent.get(10).type()).isEqualTo(EventType.CHAOS_CHANGED);
        assertThat(EventSubscriptions.RECORDED).contains(EventType.CHAOS_CHANGED, EventType.CHAOS_FAULT_INJECTED,
                EventType.CHAOS_LATENCY_INJECTED);
    }

    @Test
    void aRateLimitersPermitsAreNotRecordedItsRejectionsAndSpentRetryBudgetsAre() {
        assertThat(EventSubscriptions.RECORDED).doesNotContain(EventType.RATE_LIMITER_PERMITTED, EventType.SUCCESS)
                .contains(EventType.RATE_LIMITER_REJECTED, EventType.RATE_LIMITER_ENGINE_LOST,
                        EventType.RATE_LIMITER_ENGINE_BACK, EventType.RETRY_BUDGET_EXHAUSTED);
    }

    @Test
    void transitionsAreBoundedToo() {
        RecentEvents events = new RecentEvents(2);
        for (String detail : List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->OPEN")) {
            events.onEvent(event(T0, EventType.STATE_TRANSITION, "backend", detail));
        }
        events.onEvent(event(T0, EventType.NOT_PERMITTED, "backend", "rejected"));

        assertThat(events.newestFirst()).extracting(ResilienceEvent::detail)
                .containsExactly("rejected", "HALF_OPEN->OPEN", "OPEN->HALF_OPEN");
    }

    @Test
    void eachInstanceKeepsItsOwnLastEvents() {
        RecentEvents events = new RecentEvents(3);
        for (int i = 0; i < 10; i++) {
            events.onEvent(event(T0.plusMillis(i), EventType.RETRY_SCHEDULED, "a", "a" + i));
            events.onEvent(event(T0.plusMillis(i), EventType.RETRY_SCHEDULED, "b", "b" + i));
            events.onEvent(event(T0.plusMillis(i), EventType.ERROR, "a", "breaker a" + i));
        }
        events.onEvent(event(T0, EventType.RETRY_SCHEDULED, "quiet", "only"));

        assertThat(events.newestFirst("a", PolicyKind.RETRY)).extracting(ResilienceEvent::detail)
                .containsExactly("a9", "a8", "a7");
        assertThat(events.newestFirst("b", null)).extracting(ResilienceEvent::detail)
                .containsExactly("b9", "b8", "b7");
        assertThat(events.newestFirst("a", PolicyKind.CIRCUIT_BREAKER)).as("same name, other kind: its own ring")
                .extracting(ResilienceEvent::detail).containsExactly("breaker a9", "breaker a8", "breaker a7");
        assertThat(events.newestFirst("quiet", null)).extracting(ResilienceEvent::detail).containsExactly("only");
        assertThat(events.newestFirst()).hasSize(10);
        assertThat(events.newestFirst("nobody", null)).isEmpty();
        assertThat(events.newestFirst(null, PolicyKind.BULKHEAD)).isEmpty();
    }

    @Test
    void mergesEveryInstanceNewestFirstByTime() {
        RecentEvents events = new RecentEvents(10);
        events.onEvent(event(T0.plusSeconds(3), EventType.RETRY_SCHEDULED, "a", "a@3"));
        events.onEvent(event(T0.plusSeconds(1), EventType.TIMEOUT, "b", "b@1"));
        events.onEvent(event(T0.plusSeconds(5), EventType.STATE_TRANSITION, "c", "c@5"));
        events.onEvent(event(T0.plusSeconds(2), EventType.RETRY_SCHEDULED, "a", "a@2"));
        events.onEvent(event(T0.plusSeconds(4), EventType.NOT_PERMITTED, "c", "c@4"));
        events.onEvent(event(T0.plusSeconds(6), EventType.BULKHEAD_REJECTED, "d", "d@6"));

        assertThat(events.newestFirst()).extracting(ResilienceEvent::detail)
                .containsExactly("d@6", "c@5", "c@4", "a@3", "a@2", "b@1");
        assertThat(events.newestFirst(null, PolicyKind.CIRCUIT_BREAKER)).extracting(ResilienceEvent::detail)
                .containsExactly("c@5", "c@4");
    }

    @Test
    void eventsOfEqualTimeStayInTheOrderTheyWereRecorded() {
        RecentEvents events = new RecentEvents(10);
        events.onEvent(event(T0, EventType.ERROR, "backend", "first failure"));
        events.onEvent(event(T0, EventType.STATE_TRANSITION, "backend", "CLOSED->OPEN"));
        events.onEvent(event(T0, EventType.NOT_PERMITTED, "backend", "first rejection"));
        events.onEvent(event(T0, EventType.NOT_PERMITTED, "backend", "second rejection"));
        events.onEvent(event(T0, EventType.STATE_TRANSITION, "backend", "OPEN->HALF_OPEN"));

        assertThat(events.newestFirst()).extracting(ResilienceEvent::detail).containsExactly("OPEN->HALF_OPEN",
                "second rejection", "first rejection", "CLOSED->OPEN", "first failure");
    }

    @Test
    void concurrentRecordingLosesNothingWithinTheBound() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        RecentEvents events = new RecentEvents(threads * perThread);

        record(events, threads, perThread, 0);

        List<ResilienceEvent> recent = events.newestFirst("shared", PolicyKind.CIRCUIT_BREAKER);
        Set<String> distinct = new HashSet<>();
        recent.forEach(event -> distinct.add(event.detail()));
        assertThat(recent).hasSize(threads * perThread);
        assertThat(distinct).hasSize(threads * perThread);
        for (int t = 0; t < threads; t++) {
            assertThat(events.newestFirst("own-" + t, PolicyKind.RETRY)).hasSize(perThread);
        }
    }

    @Test
    void concurrentRecordingBeyondTheBoundKeepsExactlyTheLastEventsOfEachThreadAndEveryTransition()
            throws Exception {
        int threads = 4;
        int perThread = 10_000;
        int transitionEvery = 100;
        int capacity = 1_000;
        RecentEvents events = new RecentEvents(capacity);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        Future<Integer> reads = reader.submit(() -> {
            int snapshots = 0;
            do {
                assertThat(events.newestFirst().size()).isLessThanOrEqualTo(2 * capacity + threads * capacity);
                snapshots++;
            } while (writing.get());
            return snapshots;
        });
        try {
            record(events, threads, perThread, transitionEvery);
        } finally {
            writing.set(false);
            reader.shutdown();
        }
        assertThat(reads.get(30, TimeUnit.SECONDS)).isPositive();

        List<ResilienceEvent> shared = events.newestFirst("shared", PolicyKind.CIRCUIT_BREAKER);
        List<ResilienceEvent> transitions = shared.stream()
                .filter(event -> event.type() == EventType.STATE_TRANSITION).toList();
        List<ResilienceEvent> calls = shared.stream().filter(event -> event.type() == EventType.ERROR).toList();
        assertThat(transitions).as("every transition, none pushed out by the calls")
                .hasSize(threads * perThread / transitionEvery);
        assertThat(calls).hasSize(capacity);
        // Each thread claims ring slots in its own order, so what is kept of a thread is its last events.
        Map<Integer, List<Integer>> keptByThread = new TreeMap<>();
        for (ResilienceEvent call : calls) {
            String[] parts = call.detail().split(" ");
            keptByThread.computeIfAbsent(Integer.parseInt(parts[0]), t -> new ArrayList<>())
                    .add(Integer.parseInt(parts[1]));
        }
        for (List<Integer> kept : keptByThread.values()) {
            kept.sort(null);
            assertThat(kept.get(kept.size() - 1)).isEqualTo(perThread - 1);
            assertThat(kept.get(kept.size() - 1) - kept.get(0)).isEqualTo(kept.size() - 1);
        }
        for (int t = 0; t < threads; t++) {
            assertThat(events.newestFirst("own-" + t, PolicyKind.RETRY)).extracting(ResilienceEvent::detail)
                    .first().isEqualTo(t + " " + (perThread - 1));
            assertThat(events.newestFirst("own-" + t, PolicyKind.RETRY)).hasSize(capacity);
        }
    }

    @Test
    void capacityBelowOneIsRejected() {
        assertThatThrownBy(() -> new RecentEvents(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resilience.events.buffer-size must be at least 1, but was 0");
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
                .withPropertyValues("resilience.events.buffer-size=0")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(InvalidResilienceConfigException.class)
                        .hasMessage("resilience.events.buffer-size must be at least 1, but was 0"));
    }

    /**
     * Each thread records {@code perThread} breaker failures on the shared instance {@code shared} (detail
     * {@code "<thread> <i>"}), a transition there every {@code transitionEvery} events (0: none), and as many
     * retries on an instance of its own.
     */
    private static void record(RecentEvents events, int threads, int perThread, int transitionEvery)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String detail = thread + " " + i;
                        events.onEvent(event(T0, EventType.ERROR, "shared", detail));
                        events.onEvent(event(T0, EventType.RETRY_SCHEDULED, "own-" + thread, detail));
                        if (transitionEvery > 0 && i % transitionEvery == 0) {
                            events.onEvent(event(T0, EventType.STATE_TRANSITION, "shared", "transition " + detail));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ResilienceEvent event(Instant time, EventType type, String name, String detail) {
        return new ResilienceEvent(time, type, name, detail, "", null, null);
    }
}

package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import dev.resilience.core.Outcomes;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.test.ManualClock;

/** The adaptive limit, driven round by round on the manual clock. */
class AdaptiveBulkheadTest {

    private static final String CALL = "Adaptive.call";

    private final ManualClock clock = new ManualClock();

    private Bulkhead adaptive(int initial, int max) {
        return Bulkhead.of("adaptive", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE)
                .initialConcurrentCalls(initial).maxConcurrentCalls(max).build(), clock);
    }

    /** Fills the bulkhead to its limit, lets the calls take {@code latency}, and ends them all with {@code failure}. */
    private void round(Bulkhead bulkhead, Duration latency, Throwable failure) {
        List<Bulkhead.Permit> permits = new ArrayList<>();
        Bulkhead.Permit permit;
        while ((permit = bulkhead.tryAcquire(CALL)) != null) {
            permits.add(permit);
        }
        clock.advance(latency);
        for (Bulkhead.Permit inside : permits) {
            inside.release(failure);
        }
    }

    private void rounds(Bulkhead bulkhead, int count, Duration latency) {
        for (int i = 0; i < count; i++) {
            round(bulkhead, latency, null);
        }
    }

    @Test
    void startsAtTheInitialLimitAndAdmitsExactlyThatMany() {
        Bulkhead bulkhead = adaptive(7, 50);

        assertThat(bulkhead.limit()).isEqualTo(7);
        List<Bulkhead.Permit> permits = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            permits.add(bulkhead.tryAcquire(CALL));
        }
        assertThat(permits).doesNotContainNull();
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        assertThat(bulkhead.availablePermits()).isZero();
        permits.forEach(Bulkhead.Permit::release);
        assertThat(bulkhead.availablePermits()).isEqualTo(7);
    }

    @Test
    void growsWhileLatencyStaysAtItsMinimumUpToTheMaximum() {
        Bulkhead bulkhead = adaptive(10, 40);

        rounds(bulkhead, 100, Duration.ofMillis(10));
        int grown = bulkhead.limit();
        rounds(bulkhead, 2_000, Duration.ofMillis(10));

        assertThat(grown).isGreaterThan(10);
        assertThat(bulkhead.limit()).isEqualTo(40);
    }

    @Test
    void doesNotGrowWhileCallsUseLessThanHalfTheLimit() {
        Bulkhead bulkhead = adaptive(20, 100);

        for (int i = 0; i < 2_000; i++) {
            List<Bulkhead.Permit> few = new ArrayList<>();
            for (int j = 0; j < 5; j++) {
                few.add(bulkhead.tryAcquire(CALL));
            }
            clock.advance(Duration.ofMillis(10));
            few.forEach(Bulkhead.Permit::release);
        }

        assertThat(bulkhead.limit()).isEqualTo(20);
    }

    @Test
    void shrinksWhenLatencyRisesAboveItsLongRunMinimum() {
        Bulkhead bulkhead = adaptive(30, 100);
        rounds(bulkhead, 200, Duration.ofMillis(10));
        int before = bulkhead.limit();

        rounds(bulkhead, 200, Duration.ofMillis(40));

        assertThat(bulkhead.limit()).isLessThan(before / 2);
    }

    @Test
    void shrinksWhenCallsTimeOutOrTheDownstreamRejects() {
        Bulkhead bulkhead = Bulkhead.of("adaptive", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE)
                .initialConcurrentCalls(40).overloadExceptions(List.of(IllegalStateException.class))
                .overloadPredicate(failure -> "HTTP 503".equals(failure.getMessage())).build(), clock);

        round(bulkhead, Duration.ofMillis(10), new TimeoutException());
        int afterTimeouts = bulkhead.limit();
        round(bulkhead, Duration.ofMillis(10), new RuntimeException("wrapped", new BulkheadFullException("down", 3,
                Duration.ZERO, false)));
        int afterFullDownstream = bulkhead.limit();
        round(bulkhead, Duration.ofMillis(10), new IllegalStateException());
        int afterConfiguredType = bulkhead.limit();
        round(bulkhead, Duration.ofMillis(10), new RuntimeException("HTTP 503"));
        int afterPredicate = bulkhead.limit();

        assertThat(afterTimeouts).isLessThan(40);
        assertThat(afterFullDownstream).isLessThan(afterTimeouts);
        assertThat(afterConfiguredType).isLessThan(afterFullDownstream);
        assertThat(afterPredicate).isLessThan(afterConfiguredType);
    }

    @Test
    void clientErrorsAndIgnoredFailuresDoNotMoveTheLimit() {
        Bulkhead bulkhead = adaptive(30, 100);

        for (int i = 0; i < 200; i++) {
            round(bulkhead, Duration.ofMillis(10), new IllegalArgumentException("HTTP 404"));
            round(bulkhead, Duration.ofMillis(10), Outcomes.ignore(new TimeoutException()));
        }

        assertThat(bulkhead.limit()).isEqualTo(30);
    }

    @Test
    void aCallMarkedTimedOutCountsAsOverload() {
        Bulkhead bulkhead = adaptive(30, 100);
        List<CallSlot> slots = new ArrayList<>();
        Bulkhead.Permit permit;
        while ((permit = bulkhead.tryAcquire(CALL)) != null) {
            slots.add((CallSlot) permit);
        }
        slots.forEach(CallSlot::markTimedOut);

        slots.forEach(CallSlot::release);

        assertThat(bulkhead.limit()).isLessThan(30);
    }

    @Test
    void announcesEveryMoveOfMoreThanTenPercent() {
        Bulkhead bulkhead = adaptive(10, 200);
        List<ResilienceEvent> events = new ArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_LIMIT_CHANGED), events::add);

        rounds(bulkhead, 300, Duration.ofMillis(10));

        assertThat(events).isNotEmpty();
        int last = 10;
        for (ResilienceEvent event : events) {
            String[] limits = event.detail().replace("limit ", "").split(" -> ");
            int from = Integer.parseInt(limits[0]);
            int to = Integer.parseInt(limits[1]);
            assertThat(from).isEqualTo(last);
            assertThat(Math.abs(to - from) * 10).as(event.detail()).isGreaterThan(from);
            last = to;
        }
        assertThat(Math.abs(bulkhead.limit() - last) * 10).as("moves since the last event").isLessThanOrEqualTo(last);
    }

    @Test
    void resetGoesBackToTheInitialLimit() {
        Bulkhead bulkhead = adaptive(10, 100);
        rounds(bulkhead, 200, Duration.ofMillis(10));
        assertThat(bulkhead.limit()).isGreaterThan(10);

        bulkhead.resetToInitialState();

        assertThat(bulkhead.limit()).isEqualTo(10);
    }

    @Test
    void rejectionsNameTheLimitInForce() {
        Bulkhead bulkhead = adaptive(3, 100);
        for (int i = 0; i < 3; i++) {
            bulkhead.tryAcquire(CALL);
        }

        assertThat(bulkhead.rejected(CALL)).hasMessage("bulkhead 'adaptive' is full: all 3 concurrent calls are in use");
    }

    /**
     * Threads call through an adaptive bulkhead whose limit moves (timeouts shrink it, fast calls grow it); each
     * limit is recorded before it is in force, and the calls, counting themselves, never find more inside.
     */
    @Test
    void neverAdmitsMoreThanTheLimitInForceWhileItMoves() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("moving", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE)
                .minConcurrentCalls(1).initialConcurrentCalls(6).maxConcurrentCalls(12).build());
        BulkheadReconfigurationTest.LimitHistory history = new BulkheadReconfigurationTest.LimitHistory(6);
        AtomicInteger moves = new AtomicInteger();
        bulkhead.observeLimits(limit -> {
            moves.incrementAndGet();
            history.record(limit);
        });
        int threads = 6;
        int callsEach = 30_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger aboveLimit = new AtomicInteger();
        LongAdder admitted = new LongAdder();
        LongAdder rejected = new LongAdder();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CyclicBarrier go = new CyclicBarrier(threads);
        List<Thread> workers = new ArrayList<>();
        TimeoutException timeout = new TimeoutException();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < callsEach; i++) {
                        int asked = history.size();
                        Bulkhead.Permit permit = bulkhead.tryAcquire(CALL);
                        if (permit == null) {
                            rejected.increment();
                            continue;
                        }
                        int now = inside.incrementAndGet();
                        if (now > history.maxSince(asked)) {
                            aboveLimit.incrementAndGet();
                        }
                        admitted.increment();
                        Thread.yield();
                        inside.decrementAndGet();
                        permit.release(i % 200 == 0 ? timeout : null);
                    }
                } catch (Throwable failure) {
                    unexpected.compareAndSet(null, failure);
                }
            }, "caller-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join(60_000);
        }

        assertThat(unexpected.get()).isNull();
        assertThat(moves.get()).as("limit moves while calls ran").isGreaterThan(10);
        assertThat(aboveLimit.get()).as("calls that found more inside than the limit in force").isZero();
        assertThat(admitted.sum() + rejected.sum()).isEqualTo((long) threads * callsEach);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected.sum());
        assertThat(bulkhead.activeCalls()).isZero();
        FreePlaces.assertExactly(bulkhead, bulkhead.limit(), CALL, "exactly the limit in force is free at the end");
    }
}

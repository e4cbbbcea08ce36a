package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import dev.resilience.core.Reconfigurable;
import dev.resilience.test.ManualClock;

/** {@link Bulkhead#reconfigure}: limits that change while calls run, exactly. */
class BulkheadReconfigurationTest {

    private static final String CALL = "Changing.call";

    private static BulkheadConfig fixed(int max) {
        return BulkheadConfig.builder().maxConcurrentCalls(max).build();
    }

    @Test
    void isReconfigurableAndReportsTheConfigInUse() {
        Bulkhead bulkhead = Bulkhead.of("changing", fixed(3));
        Reconfigurable<BulkheadConfig> reconfigurable = bulkhead;
        BulkheadConfig next = fixed(7);

        reconfigurable.reconfigure(next);

        assertThat(reconfigurable.config()).isSameAs(next);
        assertThat(bulkhead.limit()).isEqualTo(7);
        assertThat(bulkhead.availablePermits()).isEqualTo(7);
    }

    @Test
    void aShrinkOwesRetirementsOnlyWhileCallsInsideExceedTheNewLimit() {
        Bulkhead bulkhead = Bulkhead.of("owing", fixed(3));
        Bulkhead.Permit first = bulkhead.tryAcquire(CALL);
        Bulkhead.Permit second = bulkhead.tryAcquire(CALL);

        bulkhead.reconfigure(fixed(1));

        assertThat(bulkhead.owesRetirement()).as("2 inside, limit 1").isTrue();
        first.release();
        assertThat(bulkhead.owesRetirement()).isFalse();
        assertThat(bulkhead.tryAcquire(CALL)).as("1 inside, limit 1").isNull();
        second.release();
        Bulkhead.Permit again = bulkhead.tryAcquire(CALL);
        assertThat(again).isNotNull();
        again.release();
        bulkhead.reconfigure(fixed(3));
        assertThat(bulkhead.availablePermits()).isEqualTo(3);
    }

    @Test
    void afterAShrinkNobodyEntersUntilTheCallsInsideAreBelowTheNewLimit() {
        Bulkhead bulkhead = Bulkhead.of("shrinking", fixed(4));
        List<Bulkhead.Permit> inside = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            inside.add(bulkhead.tryAcquire(CALL));
        }

        bulkhead.reconfigure(fixed(2));

        assertThat(bulkhead.activeCalls()).as("calls inside are never dropped").isEqualTo(4);
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        inside.remove(0).release();
        assertThat(bulkhead.tryAcquire(CALL)).as("3 inside, limit 2").isNull();
        inside.remove(0).release();
        assertThat(bulkhead.tryAcquire(CALL)).as("2 inside, limit 2").isNull();
        inside.remove(0).release();
        Bulkhead.Permit entered = bulkhead.tryAcquire(CALL);
        assertThat(entered).as("1 inside, limit 2").isNotNull();
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        assertThat(bulkhead.rejectedCalls()).isEqualTo(4);
        entered.release();
        inside.remove(0).release();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
    }

    @Test
    void aGrownLimitAdmitsAtOnceAndAddsPlacesBeyondTheFirstOnes() {
        Bulkhead bulkhead = Bulkhead.of("growing", fixed(2));
        List<Bulkhead.Permit> inside = new ArrayList<>();
        inside.add(bulkhead.tryAcquire(CALL));
        inside.add(bulkhead.tryAcquire(CALL));
        assertThat(bulkhead.tryAcquire(CALL)).isNull();

        bulkhead.reconfigure(fixed(5));

        for (int i = 0; i < 3; i++) {
            Bulkhead.Permit permit = bulkhead.tryAcquire(CALL);
            assertThat(permit).isNotNull();
            inside.add(permit);
        }
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        assertThat(bulkhead.inFlightCalls()).hasSize(5);
        inside.forEach(Bulkhead.Permit::release);
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void aRepeatedReleaseOfACallFromBeforeTheChangeIsStillIgnored() {
        Bulkhead bulkhead = Bulkhead.of("twice", fixed(2));
        Bulkhead.Permit old = bulkhead.tryAcquire(CALL);
        bulkhead.reconfigure(fixed(1));

        old.release();
        old.release();

        Bulkhead.Permit next = bulkhead.tryAcquire(CALL);
        assertThat(next).isNotNull();
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        next.release();
        next.release();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void growingTheLimitLetsWaitingCallersIn() throws Exception {
        ManualClock clock = new ManualClock();
        Bulkhead bulkhead = Bulkhead.of("waiting",
                BulkheadConfig.builder().maxConcurrentCalls(1).maxWaitDuration(Duration.ofSeconds(30)).build(), clock);
        Bulkhead.Permit held = bulkhead.tryAcquire(CALL);
        CompletableFuture<Bulkhead.Permit> parked = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                parked.complete(bulkhead.acquire(CALL));
            } catch (Throwable t) {
                parked.completeExceptionally(t);
            }
        }, "waiter");
        waiter.start();
        Waiting.until(bulkhead, clock, 1);
        RecordingRequest request = new RecordingRequest();
        bulkhead.acquireAsync(CALL, request);
        assertThat(bulkhead.waitingCalls()).isEqualTo(2);

        bulkhead.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(3)
                .maxWaitDuration(Duration.ofSeconds(30)).build());

        Bulkhead.Permit granted = parked.get(10, TimeUnit.SECONDS);
        assertThat(request.permit).isNotNull();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isEqualTo(3);
        assertThat(clock.pendingTasks()).as("deadlines cancelled").isZero();
        granted.release();
        request.permit.release();
        held.release();
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void aNewMaxWaitAppliesToTheNextWaits() throws Exception {
        ManualClock clock = new ManualClock();
        Bulkhead bulkhead = Bulkhead.of("patience", fixed(1), clock);
        Bulkhead.Permit held = bulkhead.tryAcquire(CALL);
        assertThatThrownBy(() -> bulkhead.acquire(CALL)).isInstanceOf(BulkheadFullException.class);

        bulkhead.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofMillis(500)).build());
        RecordingRequest first = new RecordingRequest();
        bulkhead.acquireAsync(CALL, first);
        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        bulkhead.reconfigure(BulkheadConfig.builder().maxConcurrentCalls(1)
                .maxWaitDuration(Duration.ofMillis(100)).build());
        RecordingRequest second = new RecordingRequest();
        bulkhead.acquireAsync(CALL, second);

        clock.advance(Duration.ofMillis(100));
        assertThat(second.rejection).as("waits with the new max wait").isNotNull();
        assertThat(first.rejection).as("keeps its own deadline").isNull();
        held.release();
        assertThat(first.permit).isNotNull();
        first.permit.release();

        bulkhead.reconfigure(fixed(1));
        Bulkhead.Permit again = bulkhead.tryAcquire(CALL);
        RecordingRequest third = new RecordingRequest();
        bulkhead.acquireAsync(CALL, third);
        assertThat(third.rejection).as("no wait any more: rejected at once").isNotNull();
        again.release();
        assertThat(bulkhead.rejectedCalls()).isEqualTo(3);
    }

    @Test
    void theTypeChangesFromFixedToAdaptiveAndBack() {
        Bulkhead bulkhead = Bulkhead.of("shifting", fixed(10));
        List<Bulkhead.Permit> inside = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inside.add(bulkhead.tryAcquire(CALL));
        }

        bulkhead.reconfigure(BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).minConcurrentCalls(2)
                .initialConcurrentCalls(4).maxConcurrentCalls(50).build());

        assertThat(bulkhead.limit()).isEqualTo(4);
        assertThat(bulkhead.config().isAdaptive()).isTrue();
        assertThat(bulkhead.tryAcquire(CALL)).as("6 inside, adaptive limit 4").isNull();
        inside.forEach(Bulkhead.Permit::release);
        inside.clear();
        for (int i = 0; i < 4; i++) {
            inside.add(bulkhead.tryAcquire(CALL));
        }
        assertThat(inside).doesNotContainNull();
        assertThat(bulkhead.tryAcquire(CALL)).isNull();

        bulkhead.reconfigure(fixed(5));

        assertThat(bulkhead.limit()).isEqualTo(5);
        inside.add(bulkhead.tryAcquire(CALL));
        assertThat(inside).doesNotContainNull();
        assertThat(bulkhead.tryAcquire(CALL)).isNull();
        inside.forEach(Bulkhead.Permit::release);
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void anAdaptiveBulkheadKeepsTheLimitItFoundWithinTheNewBounds() {
        Bulkhead bulkhead = Bulkhead.of("learning", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE)
                .initialConcurrentCalls(30).build());

        bulkhead.reconfigure(BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).maxConcurrentCalls(100)
                .build());
        assertThat(bulkhead.limit()).isEqualTo(30);
        bulkhead.reconfigure(BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).maxConcurrentCalls(12)
                .initialConcurrentCalls(5).build());
        assertThat(bulkhead.limit()).isEqualTo(12);
    }

    /**
     * Threads call through the bulkhead while another changes its limit up and down. Each limit is recorded
     * before it is in force, so a call that entered may see at most the largest limit recorded between its
     * asking and its check; the count of calls inside, kept by the calls themselves, never exceeds it.
     */
    @Test
    void limitsChangingWhileCallsRunNeverAdmitMoreThanTheLimitInForce() throws Exception {
        assertNeverAboveTheLimit(fixed(4), false);
    }

    @Test
    void limitsChangingWhileCallsWaitNeverAdmitMoreThanTheLimitInForce() throws Exception {
        assertNeverAboveTheLimit(BulkheadConfig.builder().maxConcurrentCalls(4)
                .maxWaitDuration(Duration.ofSeconds(30)).build(), true);
    }

    private static void assertNeverAboveTheLimit(BulkheadConfig start, boolean waits) throws Exception {
        Bulkhead bulkhead = Bulkhead.of("changing", start);
        LimitHistory history = new LimitHistory(start.maxConcurrentCalls());
        bulkhead.observeLimits(history::record);
        int threads = 6;
        int callsEach = 20_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger aboveLimit = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        LongAdder admitted = new LongAdder();
        LongAdder rejected = new LongAdder();
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        CyclicBarrier go = new CyclicBarrier(threads + 1);
        AtomicInteger running = new AtomicInteger(threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < callsEach; i++) {
                        int asked = history.size();
                        Bulkhead.Permit permit;
                        try {
                            permit = bulkhead.acquire(CALL);
                        } catch (BulkheadFullException full) {
                            rejected.increment();
                            continue;
                        }
                        int now = inside.incrementAndGet();
                        maxInside.accumulateAndGet(now, Math::max);
                        if (now > history.maxSince(asked)) {
                            aboveLimit.incrementAndGet();
                        }
                        admitted.increment();
                        Thread.yield();
                        inside.decrementAndGet();
                        permit.release();
                    }
                } catch (Throwable t1) {
                    unexpected.compareAndSet(null, t1);
                } finally {
                    running.decrementAndGet();
                }
            }, "caller-" + t);
            worker.start();
            workers.add(worker);
        }
        int[] limits = {4, 1, 6, 2, 8, 3, 1, 5};
        go.await();
        int changes = 0;
        while (running.get() > 0 && changes < 1 << 21) {
            int limit = limits[changes++ % limits.length];
            bulkhead.reconfigure(BulkheadConfig.from(start).maxConcurrentCalls(limit).build());
            Thread.yield();
        }
        for (Thread worker : workers) {
            worker.join(60_000);
        }

        assertThat(unexpected.get()).isNull();
        assertThat(changes).as("limit changes while calls ran").isGreaterThan(10);
        assertThat(aboveLimit.get()).as("calls that found more inside than the limit in force").isZero();
        assertThat(maxInside.get()).isBetween(1, 8);
        assertThat(admitted.sum() + rejected.sum()).isEqualTo((long) threads * callsEach);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected.sum());
        if (waits) {
            assertThat(rejected.sum()).as("30 s waits: every call gets in").isZero();
        }
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.waitingCalls()).isZero();
        FreePlaces.assertExactly(bulkhead, bulkhead.limit(), CALL, "exactly the last limit is free at the end");
    }

    /** Every limit a bulkhead has had, recorded before it is in force. */
    static final class LimitHistory {
        private final int[] limits = new int[1 << 22];
        private final AtomicInteger size = new AtomicInteger();

        LimitHistory(int first) {
            limits[0] = first;
            size.set(1);
        }

        /** Under the bulkhead's change lock: one writer at a time. */
        void record(int limit) {
            int n = size.get();
            limits[n] = limit;
            size.set(n + 1);
        }

        int size() {
            return size.get();
        }

        /**
         * The largest limit in force at some time since {@code size()} read {@code asked}: the last one recorded
         * then, the one before it (the last may have been recorded but not yet be in force) and all since.
         */
        int maxSince(int asked) {
            int end = size.get();
            int max = 0;
            for (int i = Math.max(0, asked - 2); i < end; i++) {
                max = Math.max(max, limits[i]);
            }
            return max;
        }
    }
}

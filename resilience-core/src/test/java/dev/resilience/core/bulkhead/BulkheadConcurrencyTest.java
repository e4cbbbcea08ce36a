package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import dev.resilience.core.event.EventType;

/** Many threads, many thousands of calls, exact invariants. */
class BulkheadConcurrencyTest {

    private static final String CALL = "Contended.call";

    @Test
    void failingFastNeverLetsMoreThanTheLimitInAndAccountsForEveryCall() throws Exception {
        int max = 5;
        Bulkhead bulkhead = Bulkhead.of("contended", BulkheadConfig.builder().maxConcurrentCalls(max).build());
        Traffic traffic = new Traffic(bulkhead);

        traffic.run(8, 5_000);

        assertThat(traffic.maxInside.get()).as("most calls seen inside at once").isBetween(1, max);
        assertThat(traffic.admitted.sum() + traffic.rejected.sum()).isEqualTo(8 * 5_000);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(traffic.rejected.sum());
        assertThat(traffic.unexpected.sum()).isZero();
        assertThat(traffic.ownCallMissingFromView.sum()).as("calls missing from the live view").isZero();
        assertThat(traffic.viewLargerThanLimit.sum()).isZero();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(max);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void eventsNeverShowMoreThanTheLimitInside() throws Exception {
        int max = 3;
        Bulkhead bulkhead = Bulkhead.of("watched", BulkheadConfig.builder().maxConcurrentCalls(max).build());
        AtomicInteger insideByEvents = new AtomicInteger();
        AtomicInteger maxInsideByEvents = new AtomicInteger();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_ENTERED, EventType.BULKHEAD_EXITED), event -> {
            if (event.type() == EventType.BULKHEAD_ENTERED) {
                maxInsideByEvents.accumulateAndGet(insideByEvents.incrementAndGet(), Math::max);
            } else {
                insideByEvents.decrementAndGet();
            }
        });
        Traffic traffic = new Traffic(bulkhead);

        traffic.run(8, 5_000);

        assertThat(maxInsideByEvents.get()).as("most calls inside according to the events").isBetween(1, max);
        assertThat(insideByEvents.get()).isZero();
        assertThat(traffic.maxInside.get()).isLessThanOrEqualTo(max);
    }

    @Test
    void waitingAdmitsEveryCallWithoutExceedingTheLimit() throws Exception {
        int max = 4;
        Bulkhead bulkhead = Bulkhead.of("patient",
                BulkheadConfig.builder().maxConcurrentCalls(max).maxWaitDuration(Duration.ofSeconds(30)).build());
        Traffic traffic = new Traffic(bulkhead);

        traffic.run(8, 2_000);

        assertThat(traffic.maxInside.get()).isBetween(1, max);
        assertThat(traffic.admitted.sum()).isEqualTo(8 * 2_000);
        assertThat(traffic.rejected.sum()).isZero();
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(traffic.unexpected.sum()).isZero();
        assertThat(traffic.ownCallMissingFromView.sum()).isZero();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(max);
    }

    /**
     * A thousand virtual threads wait for ten permits. Each parks while inside, so the calls only get through
     * if waiting for a permit lets a virtual thread unmount (no monitor held) and holders can run.
     */
    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void virtualThreadsWaitForPermitsWithoutExceedingTheLimit() throws Throwable {
        int max = 10;
        int calls = 1_000;
        Bulkhead bulkhead = Bulkhead.of("virtual",
                BulkheadConfig.builder().maxConcurrentCalls(max).maxWaitDuration(Duration.ofSeconds(60)).build());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        LongAdder admitted = new LongAdder();
        LongAdder failed = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        // Compiled for Java 17: Thread.startVirtualThread is looked up at run time.
        MethodHandle startVirtualThread = MethodHandles.publicLookup().findStatic(Thread.class,
                "startVirtualThread", MethodType.methodType(Thread.class, Runnable.class));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            Runnable call = () -> {
                try {
                    start.await();
                    Bulkhead.Permit permit = bulkhead.acquire(CALL);
                    try {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.sleep(1);
                    } finally {
                        inside.decrementAndGet();
                        permit.release();
                    }
                    admitted.increment();
                } catch (Throwable t) {
                    failed.increment();
                }
            };
            Thread thread = (Thread) startVirtualThread.invoke(call);
            threads.add(thread);
        }
        assertThat(threads.get(0).isDaemon()).as("virtual threads are daemons").isTrue();
        start.countDown();
        joinAll(threads, Duration.ofSeconds(60));

        assertThat(maxInside.get()).isBetween(1, max);
        assertThat(admitted.sum()).isEqualTo(calls);
        assertThat(failed.sum()).isZero();
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(max);
    }

    private static void joinAll(List<Thread> threads, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread thread : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
            assertThat(thread.isAlive()).as("%s finished within %s", thread, limit).isFalse();
        }
    }

    /** Platform threads hammering one bulkhead, recording what they see inside it. */
    private static final class Traffic {
        final Bulkhead bulkhead;
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final LongAdder admitted = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder unexpected = new LongAdder();
        final LongAdder ownCallMissingFromView = new LongAdder();
        final LongAdder viewLargerThanLimit = new LongAdder();

        Traffic(Bulkhead bulkhead) {
            this.bulkhead = bulkhead;
        }

        void run(int threadCount, int callsPerThread) throws InterruptedException {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < threadCount; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        unexpected.increment();
                        return;
                    }
                    for (int i = 0; i < callsPerThread; i++) {
                        call(i);
                    }
                }, "traffic-" + t);
                threads.add(thread);
                thread.start();
            }
            start.countDown();
            joinAll(threads, Duration.ofSeconds(60));
        }

        private void call(int i) {
            Bulkhead.Permit permit;
            try {
                permit = bulkhead.acquire(CALL);
            } catch (BulkheadFullException full) {
                rejected.increment();
                return;
            } catch (Throwable t) {
                unexpected.increment();
                return;
            }
            try {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                if (i % 64 == 0) {
                    checkLiveView();
                }
                Thread.yield();
            } finally {
                inside.decrementAndGet();
                permit.release();
            }
            admitted.increment();
        }

        /** While this thread holds its permit, its own entry is stable and must be in the view. */
        private void checkLiveView() {
            List<InFlightCall> view = bulkhead.inFlightCalls();
            if (view.size() > bulkhead.config().maxConcurrentCalls()) {
                viewLargerThanLimit.increment();
            }
            String me = Thread.currentThread().getName();
            if (view.stream().noneMatch(call -> call.thread().equals(me) && call.call().equals(CALL))) {
                ownCallMissingFromView.increment();
            }
        }
    }
}

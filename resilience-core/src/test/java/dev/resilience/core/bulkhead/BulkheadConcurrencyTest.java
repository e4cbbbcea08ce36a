package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import dev.resilience.core.event.EventType;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.test.ManualClock;

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

    @Test
    void waitingThreadsRequestsAndTriesShareTheLimitAndLeaveEveryPlaceFree() throws Exception {
        int max = 3;
        Bulkhead bulkhead = Bulkhead.of("mixed",
                BulkheadConfig.builder().maxConcurrentCalls(max).maxWaitDuration(Duration.ofSeconds(60)).build());
        Traffic traffic = new Traffic(bulkhead);
        traffic.mixed = true;

        traffic.run(8, 3_000);

        assertThat(traffic.maxInside.get()).isBetween(1, max);
        assertThat(traffic.admitted.sum() + traffic.rejected.sum()).isEqualTo(8 * 3_000);
        assertThat(traffic.rejected.sum()).as("only tryAcquire is refused; nobody waits a minute")
                .isEqualTo(bulkhead.rejectedCalls());
        assertThat(traffic.unexpected.sum()).isZero();
        assertThat(traffic.ownCallMissingFromView.sum()).isZero();
        assertThat(traffic.viewLargerThanLimit.sum()).isZero();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(max);
        assertThat(bulkhead.inFlightCalls()).isEmpty();
    }

    @Test
    void eventsNeverShowMoreThanTheLimitInsideWhileCallersWait() throws Exception {
        int max = 2;
        Bulkhead bulkhead = Bulkhead.of("watched-waiting",
                BulkheadConfig.builder().maxConcurrentCalls(max).maxWaitDuration(Duration.ofSeconds(60)).build());
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
        traffic.mixed = true;

        traffic.run(6, 3_000);

        assertThat(maxInsideByEvents.get()).as("most calls inside according to the events").isBetween(1, max);
        assertThat(insideByEvents.get()).isZero();
        assertThat(traffic.unexpected.sum()).isZero();
    }

    /**
     * A release hands places to queued requests while another thread withdraws them, from the tail or the
     * head of the queue: each request is either withdrawn (and never hears anything) or settled exactly once,
     * and afterwards every place is free again.
     */
    @Test
    void withdrawingRequestsWhileTheirPlacesAreGrantedLosesAndDoublesNoPlace() throws Exception {
        int max = 3;
        int iterations = 2_000;
        ManualClock clock = new ManualClock();
        Bulkhead bulkhead = Bulkhead.of("withdrawn",
                BulkheadConfig.builder().maxConcurrentCalls(max).maxWaitDuration(Duration.ofSeconds(30)).build(),
                clock);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long grantedTotal = 0;
        long withdrawnTotal = 0;
        try {
            CyclicBarrier go = new CyclicBarrier(2);
            for (int iteration = 0; iteration < iterations; iteration++) {
                List<Bulkhead.Permit> held = new ArrayList<>();
                for (int i = 0; i < max; i++) {
                    held.add(bulkhead.acquire(CALL));
                }
                RecordingRequest[] requests = new RecordingRequest[max + 1];
                Cancellable[] withdrawals = new Cancellable[requests.length];
                for (int i = 0; i < requests.length; i++) {
                    requests[i] = new RecordingRequest();
                    withdrawals[i] = bulkhead.acquireAsync(CALL, requests[i]);
                }
                boolean fromTheTail = iteration % 2 == 0;
                Future<?> releasing = pool.submit(() -> {
                    go.await();
                    held.forEach(Bulkhead.Permit::release);
                    return null;
                });
                Future<boolean[]> withdrawing = pool.submit(() -> {
                    boolean[] withdrawn = new boolean[requests.length];
                    go.await();
                    for (int k = 0; k < requests.length; k++) {
                        int i = fromTheTail ? requests.length - 1 - k : k;
                        withdrawn[i] = withdrawals[i].cancel();
                    }
                    return withdrawn;
                });
                releasing.get(10, TimeUnit.SECONDS);
                boolean[] withdrawn = withdrawing.get(10, TimeUnit.SECONDS);

                for (int i = 0; i < requests.length; i++) {
                    RecordingRequest request = requests[i];
                    if (withdrawn[i]) {
                        assertThat(request.callbacks).as("a withdrawn request hears nothing").hasValue(0);
                        withdrawnTotal++;
                    } else {
                        assertThat(request.callbacks).as("a request not withdrawn is settled once").hasValue(1);
                        assertThat(request.permit).as("and granted, since no deadline passed").isNotNull();
                        request.permit.release();
                        grantedTotal++;
                    }
                }
                assertThat(bulkhead.waitingCalls()).isZero();
                assertThat(bulkhead.availablePermits()).as("iteration %d", iteration).isEqualTo(max);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(grantedTotal + withdrawnTotal).isEqualTo((long) iterations * (max + 1));
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(clock.pendingTasks()).as("every deadline cancelled").isZero();
    }

    /** An interrupt racing the grant: the waiter either gets in or gives up, and no place is lost either way. */
    @Test
    void interruptingAWaiterWhileItIsGrantedAPlaceLosesNoPlace() throws Exception {
        int iterations = 1_000;
        ManualClock clock = new ManualClock();
        Bulkhead bulkhead = Bulkhead.of("interrupted",
                BulkheadConfig.builder().maxConcurrentCalls(1).maxWaitDuration(Duration.ofSeconds(30)).build(),
                clock);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        int admitted = 0;
        int interrupted = 0;
        try {
            for (int iteration = 0; iteration < iterations; iteration++) {
                Bulkhead.Permit held = bulkhead.acquire(CALL);
                CompletableFuture<Bulkhead.Permit> outcome = new CompletableFuture<>();
                Thread waiter = new Thread(() -> {
                    try {
                        Bulkhead.Permit permit = bulkhead.acquire(CALL);
                        permit.release();
                        outcome.complete(permit);
                    } catch (Throwable t) {
                        outcome.completeExceptionally(t);
                    }
                }, "waiter-" + iteration);
                waiter.start();
                Waiting.until(bulkhead, clock, 1);
                Future<?> releasing = pool.submit(() -> held.release());
                waiter.interrupt();
                releasing.get(10, TimeUnit.SECONDS);
                try {
                    outcome.get(10, TimeUnit.SECONDS);
                    admitted++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(InterruptedException.class);
                    interrupted++;
                }
                waiter.join(TimeUnit.SECONDS.toMillis(10));
                assertThat(bulkhead.waitingCalls()).isZero();
                assertThat(bulkhead.availablePermits()).as("iteration %d", iteration).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted + interrupted).isEqualTo(iterations);
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(clock.pendingTasks()).isZero();
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
        /** Whether calls take turns at waiting threads, asynchronous requests and tryAcquire. */
        boolean mixed;

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
                permit = mixed ? enter(i) : bulkhead.acquire(CALL);
                if (permit == null) {
                    rejected.increment();
                    return;
                }
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

        /** By turns: a parked wait, an asynchronous request (awaited here), or {@code tryAcquire}. */
        private Bulkhead.Permit enter(int i) throws Exception {
            switch (i % 3) {
                case 0:
                    return bulkhead.acquire(CALL);
                case 1:
                    FuturePermit permit = new FuturePermit();
                    bulkhead.acquireAsync(CALL, permit);
                    return permit.get(60, TimeUnit.SECONDS);
                default:
                    return bulkhead.tryAcquire(CALL);
            }
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

    /** A request completed by its callback. */
    private static final class FuturePermit extends CompletableFuture<Bulkhead.Permit> implements PlaceRequest {

        @Override
        public void granted(Bulkhead.Permit permit) {
            if (!complete(permit)) {
                throw new AssertionError("settled twice");
            }
        }

        @Override
        public void rejected(BulkheadFullException full) {
            if (!completeExceptionally(full)) {
                throw new AssertionError("settled twice");
            }
        }
    }
}

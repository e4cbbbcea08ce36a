package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.test.ManualClock;

/** The queue of a bulkhead with a max wait: threads that park and requests that are called back. */
class BulkheadWaitingTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MAX_WAIT = Duration.ofSeconds(2);

    private final ManualClock clock = new ManualClock(T0);

    @AfterEach
    void noInterruptLeftOnTheTestThread() {
        assertThat(Thread.interrupted()).as("interrupt left on the test thread").isFalse();
    }

    private Bulkhead bulkhead(int maxConcurrentCalls, Duration maxWait) {
        return Bulkhead.of("inventory",
                BulkheadConfig.builder().maxConcurrentCalls(maxConcurrentCalls).maxWaitDuration(maxWait).build(),
                clock);
    }

    private static List<String> recordEntries(Bulkhead bulkhead) {
        List<String> entered = new CopyOnWriteArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_ENTERED), event -> entered.add(event.detail()));
        return entered;
    }

    // ---- threads ------------------------------------------------------------------------------------------

    @Test
    void grantsPlacesToWaitingThreadsInTheOrderTheyArrived() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        List<String> entered = recordEntries(bulkhead);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        List<String> admittedInOrder = new CopyOnWriteArrayList<>();
        List<WaitingThread> waiters = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waiters.add(WaitingThread.start(bulkhead, "waiter-" + i, "Call." + i, permit -> {
                admittedInOrder.add(Thread.currentThread().getName());
                permit.release();
            }));
            Waiting.until(bulkhead, clock, i + 1);
        }

        held.release();

        for (WaitingThread waiter : waiters) {
            waiter.awaitAdmitted();
        }
        assertThat(admittedInOrder).containsExactly("waiter-0", "waiter-1", "waiter-2", "waiter-3", "waiter-4",
                "waiter-5");
        assertThat(entered).containsExactly("Held.call", "Call.0", "Call.1", "Call.2", "Call.3", "Call.4",
                "Call.5");
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(clock.pendingTasks()).as("every deadline is cancelled").isZero();
    }

    @Test
    void aPlaceFreedWhileCallersWaitGoesToTheFirstOfThemNotToANewcomer() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest first = new RecordingRequest();
        bulkhead.acquireAsync("First.call", first);
        assertThat(bulkhead.tryAcquire("Newcomer.try")).as("never passes a waiting caller").isNull();
        WaitingThread second = WaitingThread.start(bulkhead, "second", "Second.call", permit -> { });
        Waiting.until(bulkhead, clock, 2);

        held.release();

        assertThat(first.permit).as("the first in line got the place").isNotNull();
        assertThat(bulkhead.tryAcquire("Newcomer.try")).isNull();
        RecordingRequest newcomer = new RecordingRequest();
        bulkhead.acquireAsync("Newcomer.async", newcomer);
        assertThat(newcomer.isSettled()).as("queued behind the second caller").isFalse();
        assertThat(bulkhead.waitingCalls()).isEqualTo(2);
        assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::call).containsExactly("First.call");

        first.permit.release();

        Bulkhead.Permit secondPermit = second.awaitAdmitted();
        assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::call).containsExactly("Second.call");
        assertThat(newcomer.isSettled()).isFalse();
        secondPermit.release();
        assertThat(newcomer.permit).isNotNull();
        newcomer.permit.release();
        assertThat(bulkhead.rejectedCalls()).as("the two tryAcquire calls").isEqualTo(2);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void anInterruptedWaiterLeavesTheQueueAndTheCallersBehindItMoveUp() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        WaitingThread impatient = WaitingThread.start(bulkhead, "impatient", "Impatient.call", permit -> { });
        Waiting.until(bulkhead, clock, 1);
        WaitingThread patient = WaitingThread.start(bulkhead, "patient", "Patient.call", permit -> { });
        Waiting.until(bulkhead, clock, 2);

        impatient.thread.interrupt();

        assertThatThrownBy(impatient::awaitAdmitted).cause().isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted while waiting for a place in bulkhead 'inventory'");
        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        assertThat(clock.pendingTasks()).as("only the patient caller's deadline is left").isEqualTo(1);
        held.release();
        patient.awaitAdmitted().release();
        assertThat(bulkhead.rejectedCalls()).as("an interrupt is not a rejection").isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void threadsAndRequestsWaitInOneQueueInArrivalOrder() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        List<String> entered = recordEntries(bulkhead);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest a = new RecordingRequest();
        bulkhead.acquireAsync("A.request", a);
        WaitingThread b = WaitingThread.start(bulkhead, "b", "B.thread", permit -> { });
        Waiting.until(bulkhead, clock, 2);
        RecordingRequest c = new RecordingRequest();
        bulkhead.acquireAsync("C.request", c);

        held.release();
        a.permit.release();
        b.awaitAdmitted().release();

        assertThat(c.permit).isNotNull();
        c.permit.release();
        assertThat(entered).containsExactly("Held.call", "A.request", "B.thread", "C.request");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    // ---- requests -----------------------------------------------------------------------------------------

    @Test
    void requestIsGrantedAtOnceOnTheCallersThreadWhenAPlaceIsFree() {
        Bulkhead bulkhead = bulkhead(2, MAX_WAIT);
        clock.advance(Duration.ofMillis(30));
        RecordingRequest request = new RecordingRequest();

        Cancellable withdraw = bulkhead.acquireAsync("Inventory.fetch", request);

        assertThat(request.callbacks).as("granted before acquireAsync returned").hasValue(1);
        assertThat(request.thread).isEqualTo(Thread.currentThread().getName());
        assertThat(bulkhead.inFlightCalls()).containsExactly(new InFlightCall("Inventory.fetch",
                Thread.currentThread().getName(), T0.plusMillis(30), Duration.ZERO, false));
        assertThat(withdraw.cancel()).as("nothing left to withdraw").isFalse();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("no deadline for a request that never waited").isZero();
        request.permit.release();
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
        assertThat(request.callbacks).hasValue(1);
    }

    @Test
    void requestWithoutAMaxWaitIsRejectedAtOnceWhenFull() throws Exception {
        Bulkhead bulkhead = bulkhead(1, Duration.ZERO);
        bulkhead.acquire("Held.call");
        RecordingRequest request = new RecordingRequest();

        Cancellable withdraw = bulkhead.acquireAsync("Inventory.fetch", request);

        assertThat(request.callbacks).hasValue(1);
        assertThat(request.permit).isNull();
        assertThat(request.rejection).hasMessage("bulkhead 'inventory' is full: all 1 concurrent calls are in use");
        assertThat(request.thread).isEqualTo(Thread.currentThread().getName());
        assertThat(withdraw.cancel()).isFalse();
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(bulkhead.waitingCalls()).isZero();
    }

    @Test
    void requestWaitsWhenFullAndIsGrantedOnTheThreadThatFreesAPlace() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest request = new RecordingRequest();

        Cancellable withdraw = bulkhead.acquireAsync("Inventory.fetch", request);

        assertThat(request.isSettled()).isFalse();
        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        assertThat(clock.pendingTasks()).as("its deadline").isEqualTo(1);
        clock.advance(Duration.ofMillis(700));
        Thread releaser = new Thread(held::release, "releaser");
        releaser.start();
        releaser.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(releaser.isAlive()).isFalse();

        assertThat(request.callbacks).hasValue(1);
        assertThat(request.thread).as("granted on the releasing thread").isEqualTo("releaser");
        assertThat(bulkhead.inFlightCalls()).as("the requester's thread, entered when granted").containsExactly(
                new InFlightCall("Inventory.fetch", Thread.currentThread().getName(), T0.plusMillis(700),
                        Duration.ZERO, false));
        assertThat(withdraw.cancel()).isFalse();
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("the deadline is cancelled").isZero();
        clock.advance(MAX_WAIT);
        assertThat(request.callbacks).as("nothing after the grant").hasValue(1);
        request.permit.release();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.rejectedCalls()).isZero();
    }

    @Test
    void requestIsRejectedByTheClockAtItsDeadlineAndNotBefore() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        List<ResilienceEvent> rejections = new CopyOnWriteArrayList<>();
        bulkhead.events().subscribe(EnumSet.of(EventType.BULKHEAD_REJECTED), rejections::add);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest request = new RecordingRequest();
        Cancellable withdraw = bulkhead.acquireAsync("Inventory.fetch", request);

        clock.advance(MAX_WAIT.minusNanos(1));
        assertThat(request.isSettled()).as("a nanosecond before the deadline").isFalse();
        assertThat(bulkhead.rejectedCalls()).isZero();

        clock.advance(1);
        assertThat(request.callbacks).hasValue(1);
        assertThat(request.permit).isNull();
        assertThat(request.rejection)
                .hasMessage("bulkhead 'inventory' is full: all 1 concurrent calls are in use (waited 2000ms)");
        assertThat(request.rejection.bulkheadName()).isEqualTo("inventory");
        assertThat(request.thread).as("rejected by the clock's task, here on the advancing thread")
                .isEqualTo(Thread.currentThread().getName());
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(rejections).extracting(ResilienceEvent::detail).containsExactly("Inventory.fetch");
        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(withdraw.cancel()).isFalse();

        held.release();
        assertThat(request.callbacks).as("a rejected request is not granted later").hasValue(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void withdrawnRequestHearsNothingMoreAndTakesNoPlace() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest request = new RecordingRequest();
        Cancellable withdraw = bulkhead.acquireAsync("Inventory.fetch", request);

        assertThat(withdraw.cancel()).isTrue();

        assertThat(bulkhead.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).as("the deadline is cancelled").isZero();
        assertThat(withdraw.cancel()).as("withdrawn already").isFalse();
        held.release();
        clock.advance(MAX_WAIT.multipliedBy(2));
        assertThat(request.callbacks).hasValue(0);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(bulkhead.rejectedCalls()).isZero();
    }

    @Test
    void callbacksRunOutsideTheQueueLockSoAnotherThreadMayQueueMeanwhile() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        CompletableFuture<Boolean> otherThreadQueued = new CompletableFuture<>();
        RecordingRequest other = new RecordingRequest();
        RecordingRequest request = new RecordingRequest() {
            @Override
            public void granted(Bulkhead.Permit permit) {
                super.granted(permit);
                Thread queuer = new Thread(() -> bulkhead.acquireAsync("Other.call", other), "queuer");
                queuer.start();
                try {
                    queuer.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                otherThreadQueued.complete(!queuer.isAlive());
            }
        };
        bulkhead.acquireAsync("Inventory.fetch", request);

        held.release();

        assertThat(otherThreadQueued.get(10, TimeUnit.SECONDS)).as("queued while the grant was delivered").isTrue();
        assertThat(bulkhead.waitingCalls()).isEqualTo(1);
        request.permit.release();
        assertThat(other.permit).isNotNull();
        other.permit.release();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void aCallbackThatThrowsDoesNotFailTheReleasingCallerAndIsReportedToItsThreadsHandler() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        Bulkhead.Permit held = bulkhead.acquire("Held.call");
        RecordingRequest broken = new RecordingRequest() {
            @Override
            public void granted(Bulkhead.Permit permit) {
                super.granted(permit);
                throw new IllegalStateException("callback broke");
            }
        };
        bulkhead.acquireAsync("Broken.call", broken);
        RecordingRequest next = new RecordingRequest();
        bulkhead.acquireAsync("Next.call", next);
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> released = new CompletableFuture<>();
        Thread releaser = new Thread(() -> {
            held.release();
            released.complete(null);
        }, "releaser");
        releaser.setUncaughtExceptionHandler((thread, failure) -> reported.add(failure));
        releaser.start();

        released.get(5, TimeUnit.SECONDS);
        releaser.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(reported).singleElement().satisfies(failure -> assertThat(failure)
                .isInstanceOf(IllegalStateException.class).hasMessage("callback broke"));
        assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::call).containsExactly("Broken.call");
        broken.permit.release();
        assertThat(next.permit).isNotNull();
        next.permit.release();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    // ---- timed-out calls ----------------------------------------------------------------------------------

    @Test
    void theTimedOutMarkDoesNotPassToTheWaiterThatTakesOverThePlace() throws Exception {
        Bulkhead bulkhead = bulkhead(1, MAX_WAIT);
        CallSlot permit = (CallSlot) bulkhead.acquire("Slow.call");
        permit.markTimedOut();
        RecordingRequest request = new RecordingRequest();
        bulkhead.acquireAsync("Next.call", request);

        permit.release();

        assertThat(request.permit).as("handed the same place").isSameAs(permit);
        assertThat(bulkhead.inFlightCalls()).extracting(InFlightCall::call, InFlightCall::timedOut)
                .containsExactly(tuple("Next.call", false));
        request.permit.release();
    }

    /** A thread waiting in {@link Bulkhead#acquire(String)}, handing what it got to {@code onAdmitted}. */
    private static final class WaitingThread {
        final Thread thread;
        final CompletableFuture<Bulkhead.Permit> admitted = new CompletableFuture<>();

        private WaitingThread(Bulkhead bulkhead, String name, String call, Consumer<Bulkhead.Permit> onAdmitted) {
            thread = new Thread(() -> {
                try {
                    Bulkhead.Permit permit = bulkhead.acquire(call);
                    onAdmitted.accept(permit);
                    admitted.complete(permit);
                } catch (Throwable t) {
                    admitted.completeExceptionally(t);
                }
            }, name);
        }

        static WaitingThread start(Bulkhead bulkhead, String name, String call,
                Consumer<Bulkhead.Permit> onAdmitted) {
            WaitingThread waiting = new WaitingThread(bulkhead, name, call, onAdmitted);
            waiting.thread.start();
            return waiting;
        }

        Bulkhead.Permit awaitAdmitted() throws Exception {
            return admitted.get(5, TimeUnit.SECONDS);
        }
    }
}

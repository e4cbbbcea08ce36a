package dev.resilience.core.bulkhead;

import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.core.spi.Cancellable;

/**
 * The callers waiting for a place in a bulkhead with a max wait, first come, first served.
 *
 * <p>A caller joins the queue when it finds every place taken or others already waiting; a call that leaves
 * while callers wait hands its place straight to the first of them. A waiter is either a thread parked in
 * {@link #await(String)} or a {@link PlaceRequest} that is called back; both leave the queue when granted, at
 * their deadline (a task on the bulkhead's clock), or when they withdraw. A short {@link ReentrantLock} (never
 * a monitor, so a virtual thread unmounts while it waits for it) guards the queue, and callbacks and wake-ups
 * run after it is released.
 *
 * <p>Leaving while nobody waits takes no lock: one volatile read of {@link #waiting}. That read can race with
 * a caller joining, so both sides follow Dekker's pattern: the leaving call frees its slot, fences, then reads
 * the count; the joining caller raises the count, fences, then looks for a free slot. At least one of them
 * sees the other, and whichever does grants the free place to the head of the queue.
 */
final class WaitQueue {

    /** In the queue. */
    private static final int QUEUED = 0;
    /** Out of the queue with a claimed slot; the slot is being occupied for it. */
    private static final int GRANTING = 1;
    /** Inside, holding its slot. */
    private static final int GRANTED = 2;
    /** Out of the queue at its deadline. */
    private static final int REJECTED = 3;
    /** Out of the queue because it gave up (interrupted, cancelled). */
    private static final int WITHDRAWN = 4;

    private final Bulkhead bulkhead;
    /** The deadline of the next waits; a reconfiguration changes it, callers waiting keep theirs. */
    private volatile long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Under the lock. */
    private Waiter head;
    private Waiter tail;
    /** The queue's length: written under the lock, read without it. */
    private volatile int waiting;

    WaitQueue(Bulkhead bulkhead, long maxWaitNanos) {
        this.bulkhead = bulkhead;
        this.maxWaitNanos = maxWaitNanos;
    }

    void maxWaitNanos(long nanos) {
        this.maxWaitNanos = nanos;
    }

    /**
     * Lets in the waiters at the head of the queue while places are free: after the limit grew.
     */
    void grantFree() {
        Waiter granted;
        lock.lock();
        try {
            granted = grantFreeSlots();
        } finally {
            lock.unlock();
        }
        deliver(granted);
    }

    /** Callers waiting now. */
    int waiting() {
        return waiting;
    }

    /** Whether an arriving caller may take a free slot: only when nobody waits, or it would pass them. */
    boolean isEmpty() {
        return waiting == 0;
    }

    /**
     * Waits, parked, for a place: granted when a call leaves, rejected at the deadline.
     *
     * @return the slot, occupied for this call
     * @throws BulkheadFullException when no place was granted within the max wait
     * @throws InterruptedException  when interrupted while waiting; the caller holds no place then
     */
    CallSlot await(String call) throws InterruptedException {
        ParkedWaiter waiter = new ParkedWaiter(this, call, Thread.currentThread());
        enqueue(waiter);
        boolean interrupted = false;
        int status;
        while ((status = waiter.status) != GRANTED && status != REJECTED) {
            if (Thread.interrupted()) {
                if (withdraw(waiter)) {
                    throw interrupted();
                }
                interrupted = true; // granted or rejected at this moment: wait to learn which, then give up
            } else {
                LockSupport.park(this);
            }
        }
        if (interrupted) {
            if (status == GRANTED) {
                waiter.slot.release(); // hands the place on to the next in line
            }
            throw interrupted();
        }
        if (status == GRANTED) {
            return waiter.slot;
        }
        throw bulkhead.rejected(call);
    }

    private InterruptedException interrupted() {
        return new InterruptedException("interrupted while waiting for a place in bulkhead '" + bulkhead.name()
                + "'");
    }

    /** Queues {@code request}; see {@link Bulkhead#acquireAsync(String, PlaceRequest)}. */
    Cancellable request(String call, PlaceRequest request) {
        RequestWaiter waiter = new RequestWaiter(this, call, Thread.currentThread(), request);
        enqueue(waiter);
        return waiter;
    }

    /**
     * Appends {@code waiter}, then grants any free slot to the head of the queue: a slot freed while the
     * waiter was joining may have been freed by a call that saw nobody waiting.
     */
    private void enqueue(Waiter waiter) {
        Waiter granted;
        lock.lock();
        try {
            waiter.status = QUEUED;
            if (tail == null) {
                head = waiter;
            } else {
                tail.next = waiter;
                waiter.prev = tail;
            }
            tail = waiter;
            waiting = waiting + 1;
            VarHandle.fullFence(); // the count above before the slots below; see release
            granted = grantFreeSlots();
        } finally {
            lock.unlock();
        }
        try {
            deliver(granted);
        } finally {
            scheduleDeadline(waiter);
        }
    }

    /**
     * Called by a slot whose call is leaving ({@code occupied} is the stamp it read) when no retirement is owed:
     * hands the slot to the first waiter, or frees it.
     */
    void release(CallSlot slot, int occupied) {
        if (waiting != 0) {
            Waiter next;
            lock.lock();
            try {
                next = head;
                if (next != null) {
                    unlink(next);
                    slot.handOver(occupied);
                    next.slot = slot;
                    next.status = GRANTING;
                }
            } finally {
                lock.unlock();
            }
            if (next != null) {
                deliver(next);
                return;
            }
        }
        slot.free(occupied);
        VarHandle.fullFence(); // the free slot above before the count below; see enqueue
        if (waiting != 0) {
            Waiter granted;
            lock.lock();
            try {
                granted = grantFreeSlots();
            } finally {
                lock.unlock();
            }
            deliver(granted);
        }
    }

    /**
     * Under the lock: takes waiters off the head of the queue while free slots are left, claiming one for each.
     * Returns them chained through {@link Waiter#nextGranted}, to be {@link #deliver delivered} after unlocking.
     */
    private Waiter grantFreeSlots() {
        Waiter first = null;
        Waiter last = null;
        Waiter waiter;
        while ((waiter = head) != null) {
            CallSlot slot = bulkhead.claimPlace(waiter.thread);
            if (slot == null) {
                break;
            }
            unlink(waiter);
            waiter.slot = slot;
            waiter.status = GRANTING;
            if (first == null) {
                first = waiter;
            } else {
                last.nextGranted = waiter;
            }
            last = waiter;
        }
        return first;
    }

    /**
     * Outside the lock: occupies each granted waiter's slot for it, then tells it. A request's callback must not
     * throw; if one does, what it threw goes to this thread's uncaught exception handler and the other waiters
     * are still told: the thread delivering is some other caller's, which must not fail for it.
     */
    private void deliver(Waiter granted) {
        Waiter waiter = granted;
        while (waiter != null) {
            Waiter following = waiter.nextGranted;
            waiter.nextGranted = null;
            cancelDeadline(waiter);
            bulkhead.occupy(waiter.slot, waiter.call, waiter.thread, bulkhead.clock().coarseNanoTime());
            waiter.status = GRANTED;
            try {
                waiter.granted();
            } catch (Throwable failure) {
                report(failure);
            }
            waiter = following;
        }
    }

    private static void report(Throwable failure) {
        try {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, failure);
        } catch (Throwable ignored) {
            // a failing handler must not leave the waiters behind this one without their places either
        }
    }

    /** Takes {@code waiter} out of the queue if it is still in it; it then hears nothing more. */
    boolean withdraw(Waiter waiter) {
        lock.lock();
        try {
            if (waiter.status != QUEUED) {
                return false;
            }
            unlink(waiter);
            waiter.status = WITHDRAWN;
        } finally {
            lock.unlock();
        }
        cancelDeadline(waiter);
        return true;
    }

    /** The deadline: takes {@code waiter} out of the queue if it is still in it, and tells it. */
    void expire(Waiter waiter) {
        lock.lock();
        try {
            if (waiter.status != QUEUED) {
                return;
            }
            unlink(waiter);
            waiter.status = REJECTED;
        } finally {
            lock.unlock();
        }
        waiter.expired();
    }

    /**
     * Schedules the waiter's deadline once it is known to wait. Granting or withdrawing cancels the deadline;
     * if either happens while it is being scheduled, one of the two sides sees the other (both write, then read,
     * a volatile) and cancels it.
     */
    private void scheduleDeadline(Waiter waiter) {
        if (waiter.status != QUEUED) {
            return;
        }
        Cancellable deadline;
        try {
            deadline = bulkhead.clock().schedule(waiter, maxWaitNanos);
        } catch (RuntimeException | Error failure) {
            if (withdraw(waiter)) {
                throw failure; // without a deadline it must not wait
            }
            return; // granted meanwhile: it needs no deadline
        }
        waiter.deadline = deadline;
        if (waiter.status != QUEUED) {
            deadline.cancel();
        }
    }

    private static void cancelDeadline(Waiter waiter) {
        Cancellable deadline = waiter.deadline;
        if (deadline != null) {
            deadline.cancel();
        }
    }

    /** Under the lock. */
    private void unlink(Waiter waiter) {
        Waiter prev = waiter.prev;
        Waiter next = waiter.next;
        if (prev == null) {
            head = next;
        } else {
            prev.next = next;
        }
        if (next == null) {
            tail = prev;
        } else {
            next.prev = prev;
        }
        waiter.prev = null;
        waiter.next = null;
        waiting = waiting - 1;
    }

    /** One caller in the queue; it is also its own deadline task. */
    abstract static class Waiter implements Runnable {
        final WaitQueue queue;
        final String call;
        /** The caller's thread, recorded in the slot it is granted. */
        final Thread thread;
        /** Written under the lock, except {@link #GRANTED}; read anywhere. */
        volatile int status;
        /** Set with {@link #GRANTING}; read after {@link #GRANTED} is. */
        CallSlot slot;
        volatile Cancellable deadline;
        /** Under the lock. */
        Waiter prev;
        Waiter next;
        /** Chains the waiters granted together, between the lock and their delivery. */
        Waiter nextGranted;

        Waiter(WaitQueue queue, String call, Thread thread) {
            this.queue = queue;
            this.call = call;
            this.thread = thread;
        }

        /** The deadline. */
        @Override
        public final void run() {
            queue.expire(this);
        }

        /** The waiter is inside, in {@link #slot}; called once, outside the lock. */
        abstract void granted();

        /** The deadline came first; called once, outside the lock. */
        abstract void expired();
    }

    /** A thread parked in {@link #await(String)}: it reads its status when woken. */
    private static final class ParkedWaiter extends Waiter {

        ParkedWaiter(WaitQueue queue, String call, Thread thread) {
            super(queue, call, thread);
        }

        @Override
        void granted() {
            LockSupport.unpark(thread);
        }

        @Override
        void expired() {
            LockSupport.unpark(thread); // the thread counts the rejection itself: it may be interrupted too
        }
    }

    /** A caller that must not block, called back; cancelling it withdraws it. */
    private static final class RequestWaiter extends Waiter implements Cancellable {
        private final PlaceRequest request;

        RequestWaiter(WaitQueue queue, String call, Thread thread, PlaceRequest request) {
            super(queue, call, thread);
            this.request = request;
        }

        @Override
        void granted() {
            request.granted(slot);
        }

        @Override
        void expired() {
            request.rejected(queue.bulkhead.rejected(call));
        }

        @Override
        public boolean cancel() {
            return queue.withdraw(this);
        }
    }
}

package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;

/**
 * A named, thread-safe limit on concurrent calls, with a live view of the calls inside it.
 *
 * <p>There are exactly {@code maxConcurrentCalls} preallocated slots, and each call inside holds one; a
 * slot records what the call is, its thread and when it entered, and {@link #inFlightCalls()} reads them.
 * Without a wait (the default) the slots are the permits: a call is admitted by claiming a free slot with
 * one CAS, threads start at different slots, and there is no shared counter to contend on. Admission
 * allocates nothing.
 *
 * <p>With {@code maxWaitDuration}, callers that find every slot taken wait in a queue, first come, first
 * served: an arriving caller takes a free slot only while nobody is queued, and a call that leaves hands its
 * slot straight to the first waiter. A waiting thread is parked (never on a monitor, so a virtual thread
 * unmounts); the deadline is a task on the bulkhead's {@link Clock}, so a manual clock decides when a wait
 * ends. Leaving while nobody waits takes no lock. Each wait allocates a queue entry and a deadline task.
 */
public final class Bulkhead {

    /** Held by one call while it is inside the bulkhead. */
    public interface Permit {

        /**
         * Leaves the bulkhead. Release exactly once: a repeated release is ignored until another call takes
         * over the freed place, after which it would end that call's stay instead.
         */
        void release();
    }

    private final String name;
    private final BulkheadConfig config;
    private final Clock clock;
    private final EventPublisher events;
    /** The callers waiting for a slot; {@code null} without a max wait, when nobody ever waits. */
    private final WaitQueue queue;
    private final CallSlot[] slots;
    private final LongAdder rejected = new LongAdder();

    static {
        StageFactories.register(Bulkhead.class, new BulkheadStages());
    }

    private Bulkhead(String name, BulkheadConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        long maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
        this.queue = maxWaitNanos > 0 ? new WaitQueue(this, maxWaitNanos) : null;
        this.slots = new CallSlot[config.maxConcurrentCalls()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new CallSlot(this, queue);
        }
    }

    public static Bulkhead ofDefaults(String name) {
        return new Bulkhead(name, BulkheadConfig.ofDefaults(), Clock.system());
    }

    public static Bulkhead of(String name, BulkheadConfig config) {
        return new Bulkhead(name, config, Clock.system());
    }

    public static Bulkhead of(String name, BulkheadConfig config, Clock clock) {
        return new Bulkhead(name, config, clock);
    }

    /**
     * Enters the bulkhead, waiting up to {@code maxWaitDuration} for a permit. Callers wait in arrival order;
     * one that is granted a place after waiting is recorded as entering when it was granted.
     *
     * @param call       what the call is, for the live view (e.g. {@code InventoryClient.fetch})
     * @param startNanos the clock's {@link Clock#coarseNanoTime()} (or {@link Clock#nanoTime()}) now, when the
     *                   caller has already read it
     * @throws BulkheadFullException when no permit became free in time
     * @throws InterruptedException  when interrupted while waiting; the caller then holds no permit
     */
    public Permit acquire(String call, long startNanos) throws InterruptedException {
        if (queue == null) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, startNanos);
            }
            throw rejected(call);
        }
        if (queue.isEmpty()) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, startNanos);
            }
        }
        return queue.await(call);
    }

    /** As {@link #acquire(String, long)}, reading the clock itself. */
    public Permit acquire(String call) throws InterruptedException {
        return acquire(call, clock.coarseNanoTime());
    }

    /**
     * Enters only if a permit is free now and nobody is waiting for one; {@code null} (counted as rejected)
     * otherwise. Never waits.
     */
    public Permit tryAcquire(String call) {
        if (queue == null || queue.isEmpty()) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, clock.coarseNanoTime());
            }
        }
        rejectedCall(call);
        return null;
    }

    /**
     * Enters without ever blocking the caller: for asynchronous callers, which continue on another thread.
     * Exactly one of {@code request}'s methods is called, exactly once: {@link PlaceRequest#granted granted}
     * here when a place is free and nobody waits; otherwise, with a max wait, the request is queued behind the
     * callers waiting already and granted later on the thread of the call that leaves a place for it, or
     * {@link PlaceRequest#rejected rejected} by the clock's timer task at the deadline; without a max wait it
     * is rejected here. The permit's slot records {@code call}, this thread and the time of the grant.
     *
     * @return withdraws the request while it waits: {@code true} when it was still queued (neither method is
     *         called then), {@code false} when it was granted or rejected already
     */
    Cancellable acquireAsync(String call, PlaceRequest request) {
        if (queue == null || queue.isEmpty()) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                request.granted(occupy(slot, call, clock.coarseNanoTime()));
                return Cancellable.NONE;
            }
            if (queue == null) {
                request.rejected(rejected(call));
                return Cancellable.NONE;
            }
        }
        return queue.request(call, request);
    }

    /** Counts and announces a rejection, and builds the exception reporting it. */
    BulkheadFullException rejected(String call) {
        rejectedCall(call);
        return new BulkheadFullException(name, config.maxConcurrentCalls(), config.maxWaitDuration(),
                config.writableStackTrace());
    }

    private void rejectedCall(String call) {
        rejected.increment();
        events.publish(EventType.BULKHEAD_REJECTED, call);
    }

    private CallSlot occupy(CallSlot slot, String call, long startNanos) {
        return occupy(slot, call, Thread.currentThread(), startNanos);
    }

    /** Records the call in its claimed slot and announces that it entered. */
    CallSlot occupy(CallSlot slot, String call, Thread thread, long startNanos) {
        slot.occupy(call, thread, startNanos);
        if (events.isListening(EventType.BULKHEAD_ENTERED)) {
            events.publish(EventType.BULKHEAD_ENTERED, call);
        }
        return slot;
    }

    /**
     * Without waiting, the slots are the permits: a call is admitted by claiming a free one, and there is no
     * shared counter for threads to fight over. {@code null} when every slot is taken.
     */
    CallSlot claimFreeSlot(Thread thread) {
        int n = slots.length;
        int i = firstSlot(thread, n);
        for (int tried = 0; tried < n; tried++) {
            CallSlot slot = slots[i];
            if (slot.tryClaim()) {
                return slot;
            }
            if (++i == n) {
                i = 0;
            }
        }
        return null;
    }

    /**
     * Spreads threads over the slots without a division: the thread's id, mixed (Fibonacci hashing) and
     * scaled into [0, n). Not {@code System.identityHashCode}: measured, it made every call a few ns slower in
     * some JVM runs and not in others (BENCHMARKS.md, scenario 4).
     */
    @SuppressWarnings("deprecation") // getId(): threadId() exists only from Java 19
    private static int firstSlot(Thread thread, int n) {
        int mixed = (int) thread.getId() * 0x9E3779B9;
        return (int) (((mixed & 0xFFFFFFFFL) * n) >>> 32);
    }

    /**
     * Published while the call still holds its permit, so that no call can enter in its place before
     * listeners hear that it left: the events never show more than {@code maxConcurrentCalls} inside.
     */
    void exited(String call) {
        if (events.isListening(EventType.BULKHEAD_EXITED)) {
            events.publish(EventType.BULKHEAD_EXITED, call);
        }
    }

    /** The calls inside the bulkhead now, longest-running first. */
    public List<InFlightCall> inFlightCalls() {
        long nowNanos = clock.nanoTime();
        long nowMillis = clock.currentTimeMillis();
        List<InFlightCall> calls = new ArrayList<>();
        for (CallSlot slot : slots) {
            CallSlot.Occupant occupant = slot.read();
            if (occupant != null) {
                long elapsedNanos = Math.max(0, nowNanos - occupant.startNanos());
                calls.add(new InFlightCall(occupant.call(), occupant.thread(),
                        Instant.ofEpochMilli(nowMillis - elapsedNanos / 1_000_000), Duration.ofNanos(elapsedNanos),
                        occupant.timedOut()));
            }
        }
        calls.sort(Comparator.comparing(InFlightCall::duration).reversed());
        return calls;
    }

    /** Calls inside now, counting places being handed to a waiting caller. */
    public int activeCalls() {
        int taken = 0;
        for (CallSlot slot : slots) {
            if (slot.isTaken()) {
                taken++;
            }
        }
        return taken;
    }

    /** Permits free now. */
    public int availablePermits() {
        return config.maxConcurrentCalls() - activeCalls();
    }

    /** Calls waiting for a permit now; always zero without a max wait. */
    public int waitingCalls() {
        return queue == null ? 0 : queue.waiting();
    }

    /** Calls rejected since the bulkhead was created, each once, whether at once or at the end of its wait. */
    public long rejectedCalls() {
        return rejected.sum();
    }

    public String name() {
        return name;
    }

    public BulkheadConfig config() {
        return config;
    }

    public EventPublisher events() {
        return events;
    }

    /** The clock this instance reads. */
    public Clock clock() {
        return clock;
    }

    /**
     * Back to how the bulkhead was built as far as it can be, for tests (resilience-test calls it between two
     * tests): the rejection counter at zero. Calls inside or waiting stay: only they can leave.
     */
    public void resetToInitialState() {
        rejected.reset();
    }

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + activeCalls() + "/" + config.maxConcurrentCalls() + "]";
    }
}

package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

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
 * one CAS, threads start at different slots, and there is no shared counter to contend on. With
 * {@code maxWaitDuration} a non-fair {@link Semaphore} admits first (a parked wait, never a monitor, so it
 * works unchanged on virtual threads) and the admitted call then takes a slot. Admission allocates nothing.
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
    private final Semaphore semaphore;
    private final long maxWaitNanos;
    /** Whether callers wait for a permit; without waiting, no semaphore is used at all. */
    private final boolean waits;
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
        this.semaphore = new Semaphore(config.maxConcurrentCalls(), false);
        this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
        this.waits = maxWaitNanos > 0;
        this.slots = new CallSlot[config.maxConcurrentCalls()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new CallSlot(this);
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
     * Enters the bulkhead, waiting up to {@code maxWaitDuration} for a permit.
     *
     * @param call       what the call is, for the live view (e.g. {@code InventoryClient.fetch})
     * @param startNanos the clock's {@link Clock#coarseNanoTime()} (or {@link Clock#nanoTime()}) now, when the
     *                   caller has already read it
     * @throws BulkheadFullException when no permit became free in time
     * @throws InterruptedException  when interrupted while waiting
     */
    public Permit acquire(String call, long startNanos) throws InterruptedException {
        if (!waits) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, startNanos);
            }
            throw rejected(call);
        }
        if (semaphore.tryAcquire()) {
            return enter(call, startNanos);
        }
        if (maxWaitNanos > 0 && semaphore.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
            return enter(call, clock.coarseNanoTime());
        }
        throw rejected(call);
    }

    /** As {@link #acquire(String, long)}, reading the clock itself. */
    public Permit acquire(String call) throws InterruptedException {
        return acquire(call, clock.coarseNanoTime());
    }

    /** Enters only if a permit is free now; {@code null} (counted as rejected) otherwise. Never waits. */
    public Permit tryAcquire(String call) {
        if (!waits) {
            CallSlot slot = claimFreeSlot(Thread.currentThread());
            if (slot != null) {
                return occupy(slot, call, clock.coarseNanoTime());
            }
            rejectedCall(call);
            return null;
        }
        if (semaphore.tryAcquire()) {
            return enter(call, clock.coarseNanoTime());
        }
        rejectedCall(call);
        return null;
    }

    private BulkheadFullException rejected(String call) {
        rejectedCall(call);
        return new BulkheadFullException(name, config.maxConcurrentCalls(), config.maxWaitDuration(),
                config.writableStackTrace());
    }

    private void rejectedCall(String call) {
        rejected.increment();
        events.publish(EventType.BULKHEAD_REJECTED, call);
    }

    private CallSlot enter(String call, long startNanos) {
        return occupy(claimSlot(Thread.currentThread()), call, startNanos);
    }

    private CallSlot occupy(CallSlot slot, String call, long startNanos) {
        slot.occupy(call, Thread.currentThread(), startNanos);
        if (events.isListening(EventType.BULKHEAD_ENTERED)) {
            events.publish(EventType.BULKHEAD_ENTERED, call);
        }
        return slot;
    }

    /**
     * Without waiting, the slots are the permits: a call is admitted by claiming a free one, and there is no
     * shared counter for threads to fight over. {@code null} when every slot is taken.
     */
    private CallSlot claimFreeSlot(Thread thread) {
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
     * With waiting, a semaphore admits (it parks waiters) and the permit holder then takes a slot: it always
     * finds one, since slots are freed before their permit is returned.
     */
    private CallSlot claimSlot(Thread thread) {
        CallSlot slot;
        while ((slot = claimFreeSlot(thread)) == null) {
            Thread.onSpinWait(); // every slot was taken by a racing claim; one is about to be freed
        }
        return slot;
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

    void releasePermit() {
        if (waits) {
            semaphore.release();
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
                        Instant.ofEpochMilli(nowMillis - elapsedNanos / 1_000_000), Duration.ofNanos(elapsedNanos)));
            }
        }
        calls.sort(Comparator.comparing(InFlightCall::duration).reversed());
        return calls;
    }

    /** Calls inside now. */
    public int activeCalls() {
        if (waits) {
            return config.maxConcurrentCalls() - semaphore.availablePermits();
        }
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
        return waits ? semaphore.availablePermits() : config.maxConcurrentCalls() - activeCalls();
    }

    /** Calls rejected since the bulkhead was created. */
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

    @Override
    public String toString() {
        return "Bulkhead[" + name + ", " + activeCalls() + "/" + config.maxConcurrentCalls() + "]";
    }
}

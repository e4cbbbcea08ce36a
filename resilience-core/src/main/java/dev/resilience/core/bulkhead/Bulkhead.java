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

import dev.resilience.core.Clock;
import dev.resilience.core.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;

/**
 * A named, thread-safe limit on concurrent calls, with a live view of the calls inside it.
 *
 * <p>Never more than {@code maxConcurrentCalls} calls are inside: admission is a non-fair {@link Semaphore}
 * (a CAS when a permit is free; a parked wait, never a monitor, when {@code maxWaitDuration} is set, so it
 * works unchanged on virtual threads). Each admitted call takes one of {@code maxConcurrentCalls}
 * preallocated slots that record what it is, its thread and when it entered; {@link #inFlightCalls()}
 * reads them. Admission allocates nothing.
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
    private final CallSlot[] slots;
    private final LongAdder rejected = new LongAdder();

    private Bulkhead(String name, BulkheadConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.semaphore = new Semaphore(config.maxConcurrentCalls(), false);
        this.maxWaitNanos = saturatedNanos(config.maxWaitDuration());
        this.slots = new CallSlot[config.maxConcurrentCalls()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new CallSlot(this);
        }
    }

    /** A wait too long for a long of nanoseconds (about 292 years) is as good as endless. */
    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
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
        Thread thread = Thread.currentThread();
        CallSlot slot = claimSlot(thread);
        slot.occupy(call, thread, startNanos);
        if (events.isListening(EventType.BULKHEAD_ENTERED)) {
            events.publish(EventType.BULKHEAD_ENTERED, call);
        }
        return slot;
    }

    /** A permit holder always finds a free slot: slots are freed before their permit is returned. */
    private CallSlot claimSlot(Thread thread) {
        int start = (System.identityHashCode(thread) & Integer.MAX_VALUE) % slots.length;
        while (true) {
            for (int i = 0; i < slots.length; i++) {
                CallSlot slot = slots[(start + i) % slots.length];
                if (slot.tryClaim()) {
                    return slot;
                }
            }
            Thread.onSpinWait(); // every slot was taken by a racing claim; one is about to be freed
        }
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
        semaphore.release();
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
        return config.maxConcurrentCalls() - semaphore.availablePermits();
    }

    /** Permits free now. */
    public int availablePermits() {
        return semaphore.availablePermits();
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

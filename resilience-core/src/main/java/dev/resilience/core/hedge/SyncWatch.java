package dev.resilience.core.hedge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.resilience.core.spi.Clock;

/**
 * The synchronous calls of one hedge that are in flight, and the one timer task that starts the first extra
 * attempt of those that are due. A timer per call would cost each call a scheduled task and its cancellation
 * under the timer's lock; here a call costs a CAS into a free slot and a CAS out of it, and the sweep runs once
 * per earliest deadline, on the clock's timer thread.
 *
 * <p>A slot is the call's ownership: the caller takes its call out when it returns (then no extra attempt
 * will come), the sweep takes it out when it is due (then the caller, finding it gone, waits for the race).
 * Exactly one CAS succeeds. The sweep is scheduled by the call that finds none pending, for that call's
 * deadline; a sweep reschedules itself for the earliest deadline it sees, or goes idle and looks once more, so
 * a call registered while it went idle is not missed (each side writes before it reads the other's flag). Up
 * to {@value #SLOTS} calls of one hedge are watched at a time; a call that finds no free slot among those it
 * probes runs unhedged.
 */
final class SyncWatch implements Runnable {

    static final int SLOTS = 1024;
    private static final int PROBES = 64;
    private static final long NONE = Long.MAX_VALUE;

    private final AtomicReferenceArray<SyncCall> slots = new AtomicReferenceArray<>(SLOTS);
    /** 1 while a sweep is scheduled or running. */
    private final AtomicInteger sweeping = new AtomicInteger();
    private final Hedge hedge;
    private final Clock clock;

    SyncWatch(Hedge hedge) {
        this.hedge = hedge;
        this.clock = hedge.clock();
    }

    /** Watches {@code call}, due {@code delayNanos} after its start. @return its slot, or -1 when none was free */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    int register(SyncCall call, long delayNanos) {
        int start = (int) (Thread.currentThread().getId() * 0x9E3779B97F4A7C15L >>> 54);
        for (int i = 0; i < PROBES; i++) {
            int index = (start + i) & (SLOTS - 1);
            if (slots.get(index) == null && slots.compareAndSet(index, null, call)) {
                if (sweeping.get() == 0 && sweeping.compareAndSet(0, 1)) {
                    clock.schedule(this, delayNanos);
                }
                return index;
            }
        }
        return -1;
    }

    /**
     * The caller's attempt ended: takes {@code call} out of its slot.
     *
     * @return {@code true} when no extra attempt was started (the call is over); {@code false} when the sweep
     *         took it first (the caller waits for the race)
     */
    boolean finish(int slot, SyncCall call) {
        return slot < 0 || slots.compareAndSet(slot, call, null);
    }

    /** The sweep, on the timer thread: hedges what is due, then waits for the next deadline or goes idle. */
    @Override
    public void run() {
        long next = sweep();
        if (next == NONE) {
            sweeping.set(0);
            next = sweep(); // a call may have registered and seen the sweep still pending
            if (next == NONE || !sweeping.compareAndSet(0, 1)) {
                return;
            }
        }
        clock.schedule(this, Math.max(0, next - clock.nanoTime()));
    }

    private long sweep() {
        long now = clock.nanoTime();
        long delay = hedge.delayNanos(hedge.settings());
        long earliest = NONE;
        for (int i = 0; i < SLOTS; i++) {
            SyncCall call = slots.get(i);
            if (call == null) {
                continue;
            }
            long due = call.start + delay;
            if (due - now <= 0) {
                SyncRace race = call.prepareRace(delay);
                if (slots.compareAndSet(i, call, null)) {
                    race.hedge(now); // the caller will find its call gone and wait for the race
                }
            } else if (earliest == NONE || due - earliest < 0) {
                earliest = due;
            }
        }
        return earliest;
    }
}

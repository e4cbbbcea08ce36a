package dev.resilience.core.hedge;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.resilience.core.spi.Clock;

/**
 * The synchronous calls of one hedge that are in flight, and the one timer task that launches their extra
 * attempts when they are due. A timer per call would cost each call a scheduled task and its cancellation
 * under the timer's lock; here a call costs a CAS into a free slot and a plain release, and the sweep runs
 * once per earliest deadline, on the clock's timer thread.
 *
 * <p>The sweep is scheduled by the call that finds none pending, for that call's deadline; a sweep reschedules
 * itself for the earliest deadline it sees, or goes idle and looks once more, so a call registered while it
 * went idle is not missed (each side writes before it reads the other's flag). Up to {@value #SLOTS} calls of
 * one hedge are watched at a time; a call that finds no free slot among those it probes runs unhedged.
 */
final class SyncWatch implements Runnable {

    static final int SLOTS = 1024;
    private static final int PROBES = 64;
    static final long NONE = Long.MAX_VALUE;

    private final AtomicReferenceArray<HedgeStages.SyncCall> slots = new AtomicReferenceArray<>(SLOTS);
    /** 1 while a sweep is scheduled or running. */
    private final AtomicInteger sweeping = new AtomicInteger();
    private final Clock clock;

    SyncWatch(Clock clock) {
        this.clock = clock;
    }

    /** Watches {@code call}, due at its {@code nextHedgeAt}. @return its slot, or -1 when none was free */
    @SuppressWarnings("deprecation") // Thread.getId: threadId() is JDK 19+
    int register(HedgeStages.SyncCall call, long delayNanos) {
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

    /** {@code call} is over. */
    void release(int slot) {
        if (slot >= 0) {
            slots.lazySet(slot, null); // a sweep that still sees it finds it over and skips it
        }
    }

    /** The sweep, on the timer thread: launches what is due, then waits for the next deadline or goes idle. */
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
        long earliest = NONE;
        for (int i = 0; i < SLOTS; i++) {
            HedgeStages.SyncCall call = slots.get(i);
            if (call == null) {
                continue;
            }
            long due = call.nextHedgeAt;
            if (due != NONE && due - now <= 0) {
                due = call.due(now);
            }
            if (due != NONE && (earliest == NONE || due - earliest < 0)) {
                earliest = due;
            }
        }
        return earliest;
    }
}

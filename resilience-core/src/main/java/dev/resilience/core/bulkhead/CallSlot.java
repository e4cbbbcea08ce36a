package dev.resilience.core.bulkhead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;

/**
 * One preallocated place in a bulkhead's live view of its calls, and the permit handed to the call using it.
 * Recording a call allocates nothing and costs one CAS (the claim) plus plain and release stores.
 *
 * <p>One word, {@code stamp}, says what the slot holds; its low two bits are the phase and the rest counts
 * generations, so a reader can tell that the call it copied is still the one in the slot (a sequence lock):
 * {@code 0} free, {@code 1} claimed and being written, {@code 2} occupied and stable. Only the holder of the
 * claim moves the stamp on (the caller, or the thread granting the slot to a waiting caller); release stores
 * order its field writes (free of fences on x86).
 *
 * <p>A freed slot keeps its last call's description and thread, and a call writes them only when they
 * differ: with G1 every reference store into an old object pays a card-marking barrier with a full fence,
 * and a busy slot is usually reused by the same thread for the same call. The stamp, not the fields, says
 * whether the slot is taken; what it keeps alive is at most one thread object per slot.
 *
 * <p>With a max wait, a leaving call whose bulkhead has callers queued hands the slot straight to the first
 * of them ({@link #handOver}): the slot goes from occupied to claimed for the next call without ever being
 * free, so no arriving call can take it first. Without a wait there is no queue and leaving is one store.
 *
 * <p>A call may be marked as timed out while it goes on running ({@link #markTimedOut()}). The mark is the
 * stamp of the occupancy it was made for, so it needs no write when the slot is freed or taken again: the next
 * call has another stamp and is not marked. (Stamps repeat after 2^30 uses of a slot; a mark left unmatched
 * that long would show again on exactly that one later call.)
 */
final class CallSlot implements Bulkhead.Permit {

    private static final VarHandle STAMP;
    private static final VarHandle TIMED_OUT_STAMP;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STAMP = lookup.findVarHandle(CallSlot.class, "stamp", int.class);
            TIMED_OUT_STAMP = lookup.findVarHandle(CallSlot.class, "timedOutStamp", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int PHASE = 3;
    private static final int FREE = 0;
    private static final int WRITING = 1;
    private static final int OCCUPIED = 2;
    /** Out of use: the bulkhead's limit is below its number of slots. Never claimed until brought back. */
    private static final int RETIRED = 3;
    private static final int NEXT_GENERATION = PHASE + 1;

    /**
     * The slots this one is among: what a call leaving reads (the layout, the retirements owed) and tells (the
     * events, the adaptive feedback). One reference, so that leaving loads no more than it did from the bulkhead.
     */
    private final SlotTable table;
    @SuppressWarnings("unused") // accessed through STAMP
    private volatile int stamp;
    /** The stamp of the occupancy marked as timed out; never matches a free or changing slot. */
    @SuppressWarnings("unused") // accessed through TIMED_OUT_STAMP
    private volatile int timedOutStamp;
    private String call;
    private Thread thread;
    private long startNanos;
    /**
     * Adaptive: when the call inside entered, by the precise clock, or {@link #NOT_SAMPLED}. Written by the thread
     * that claims the slot before the occupying release store, read by the holder: ordered by the stamp.
     */
    long sampleStart;
    /** Adaptive: occupancies of this slot, to measure one in {@link AdaptiveLimit#SAMPLE_EVERY}. As sampleStart. */
    int uses;
    // Slots are allocated side by side; padding keeps two threads' slots off one cache line.
    @SuppressWarnings("unused")
    private long pad0, pad1, pad2, pad3, pad4, pad5, pad6;

    static final long NOT_SAMPLED = Long.MIN_VALUE;

    CallSlot(SlotTable table, boolean retired) {
        this.table = table;
        this.sampleStart = NOT_SAMPLED;
        if (retired) {
            STAMP.setRelease(this, RETIRED);
        }
    }

    /** Whether a call holds (or is taking or leaving) this slot. */
    boolean isTaken() {
        int phase = (int) STAMP.getAcquire(this) & PHASE;
        return phase == WRITING || phase == OCCUPIED;
    }

    /** Whether the slot is out of use. */
    boolean isRetired() {
        return ((int) STAMP.getAcquire(this) & PHASE) == RETIRED;
    }

    /** Takes the slot out of use if it is free. */
    boolean retireIfFree() {
        int current = (int) STAMP.getAcquire(this);
        return (current & PHASE) == FREE && STAMP.compareAndSet(this, current, current + RETIRED);
    }

    /** Brings the slot back into use, free, if it is retired. */
    boolean unretire() {
        int current = (int) STAMP.getAcquire(this);
        return (current & PHASE) == RETIRED && STAMP.compareAndSet(this, current, current - RETIRED + NEXT_GENERATION);
    }

    /** Takes the slot if it is free; the caller then {@link #occupy occupies} it. */
    boolean tryClaim() {
        int current = (int) STAMP.getAcquire(this);
        return (current & PHASE) == FREE && STAMP.compareAndSet(this, current, current + WRITING);
    }

    void occupy(String call, Thread thread, long startNanos) {
        if (this.call != call) {
            this.call = call;
        }
        if (this.thread != thread) {
            this.thread = thread;
        }
        this.startNanos = startNanos;
        int claimed = (int) STAMP.getOpaque(this);
        STAMP.setRelease(this, claimed - WRITING + OCCUPIED);
    }

    /**
     * Leaves the slot: frees it, or with callers waiting hands it to the first of them. A second release by
     * the same holder is ignored as long as no other call has taken the slot since.
     */
    @Override
    public void release() {
        leave(null);
    }

    @Override
    public void release(Throwable failure) {
        leave(failure);
    }

    /**
     * The call leaves: an adaptive bulkhead measures it first (while it still holds the slot); then the slot is
     * retired if the bulkhead owes a retirement (its limit shrank below the calls inside), handed to the first
     * waiter, or freed.
     */
    private void leave(Throwable failure) {
        int occupied = (int) STAMP.getOpaque(this);
        if ((occupied & PHASE) != OCCUPIED) {
            return; // released already: freeing the slot twice could let two calls into it
        }
        exited();
        SlotLayout layout = table.layout();
        AdaptiveLimit limiter = layout.limiter;
        if (limiter != null) {
            table.feedback().measure(this, occupied, failure, limiter);
        }
        if (table.owesRetirement() && table.takeRetirement()) {
            STAMP.setRelease(this, occupied - OCCUPIED + NEXT_GENERATION + RETIRED);
            WaitQueue waiting = layout.queue;
            if (waiting != null && !waiting.isEmpty() && !table.owesRetirement()) {
                waiting.grantFree(); // the last retirement paid: a slot freed as the shrink began may be free
            }
            return;
        }
        WaitQueue queue = layout.queue;
        if (queue != null) {
            queue.release(this, occupied);
            return;
        }
        STAMP.setRelease(this, occupied - OCCUPIED + NEXT_GENERATION); // free
    }

    /**
     * Published while the call still holds its permit, so that no call can enter in its place before
     * listeners hear that it left: the events never show more than {@code maxConcurrentCalls} inside.
     */
    private void exited() {
        EventPublisher events = table.events();
        if (events.isListening(EventType.BULKHEAD_EXITED)) {
            events.publish(EventType.BULKHEAD_EXITED, call);
        }
    }

    /** Whether the call inside was marked as timed out; {@code occupied} is the stamp its holder read. */
    boolean timedOut(int occupied) {
        return (int) TIMED_OUT_STAMP.getVolatile(this) == occupied;
    }

    /** Frees the slot, as {@link #release()} does without a queue; {@code occupied} is the stamp it read. */
    void free(int occupied) {
        STAMP.setRelease(this, occupied - OCCUPIED + NEXT_GENERATION);
    }

    /**
     * Passes the slot from the call leaving it straight to the next one, which then {@link #occupy occupies}
     * it: the slot is never free in between. {@code occupied} is the stamp the leaving call read.
     */
    void handOver(int occupied) {
        STAMP.setRelease(this, occupied - OCCUPIED + NEXT_GENERATION + WRITING);
    }

    /**
     * Marks the call now in the slot as timed out: it goes on running, and the live view says it timed out.
     * Call it while the call that holds this permit is still inside (before its release can run); the mark
     * does not carry over to the next call in the slot.
     *
     * @return {@code false} when no call was inside to mark
     */
    boolean markTimedOut() {
        int current = (int) STAMP.getVolatile(this);
        if ((current & PHASE) != OCCUPIED) {
            return false;
        }
        TIMED_OUT_STAMP.setVolatile(this, current);
        return true;
    }

    /** The stamp of the call now in the slot, for {@link #markTimedOut(int)} later. */
    int occupancy() {
        return (int) STAMP.getVolatile(this);
    }

    /**
     * Marks the call that had {@code occupancy} as timed out. Safe at any time: a mark for a call that has left
     * matches no later call's stamp.
     */
    void markTimedOut(int occupancy) {
        TIMED_OUT_STAMP.setVolatile(this, occupancy);
    }

    /** Copies the slot if it holds a stable call; {@code null} when free or changing. */
    Occupant read() {
        int before = (int) STAMP.getAcquire(this);
        if ((before & PHASE) != OCCUPIED) {
            return null;
        }
        String readCall = call;
        Thread readThread = thread;
        long readStart = startNanos;
        boolean timedOut = (int) TIMED_OUT_STAMP.getAcquire(this) == before;
        VarHandle.loadLoadFence();
        if ((int) STAMP.getAcquire(this) != before || readThread == null) {
            return null;
        }
        return new Occupant(readCall, readThread.getName(), readStart, timedOut);
    }

    record Occupant(String call, String thread, long startNanos, boolean timedOut) {
    }
}

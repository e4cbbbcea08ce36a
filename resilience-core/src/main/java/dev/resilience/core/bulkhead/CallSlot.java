package dev.resilience.core.bulkhead;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One preallocated place in a bulkhead's live view of its calls, and the permit handed to the call using it.
 * Claimed by CAS; written by its owner only; read by the view under a version check, so recording a call
 * allocates nothing.
 */
final class CallSlot implements Bulkhead.Permit {

    private static final AtomicIntegerFieldUpdater<CallSlot> CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(CallSlot.class, "claimed");

    private static final int FREE = 0;
    private static final int OCCUPIED = 1;
    private static final int RELEASING = 2;

    private final Bulkhead bulkhead;
    /** {@link #FREE}, {@link #OCCUPIED} or {@link #RELEASING}. */
    private volatile int claimed;
    /** Odd while the owner writes, even when stable; bumped on every claim and release. */
    private volatile int version;
    private String call;
    private Thread thread;
    private long startNanos;

    CallSlot(Bulkhead bulkhead) {
        this.bulkhead = bulkhead;
    }

    boolean tryClaim() {
        return claimed == FREE && CLAIMED.compareAndSet(this, FREE, OCCUPIED);
    }

    void occupy(String call, Thread thread, long startNanos) {
        version++; // odd: being written
        VarHandle.storeStoreFence();
        this.call = call;
        this.thread = thread;
        this.startNanos = startNanos;
        version++; // even: stable, and visible to readers that see this write
    }

    /** Frees the slot before returning the permit, so a permit holder always finds a free slot. */
    @Override
    public void release() {
        if (!CLAIMED.compareAndSet(this, OCCUPIED, RELEASING)) {
            return; // released already: handing back a second permit would raise the limit for good
        }
        bulkhead.exited(call);
        version++;
        VarHandle.storeStoreFence();
        this.call = null;
        this.thread = null;
        version++;
        claimed = FREE;
        bulkhead.releasePermit();
    }

    /** Copies the slot if it holds a stable call; {@code null} when free or changing. */
    Occupant read() {
        int before = version;
        if ((before & 1) != 0 || claimed == FREE) {
            return null;
        }
        String readCall = call;
        Thread readThread = thread;
        long readStart = startNanos;
        VarHandle.loadLoadFence();
        if (version != before || readThread == null) {
            return null;
        }
        return new Occupant(readCall, readThread.getName(), readStart);
    }

    record Occupant(String call, String thread, long startNanos) {
    }
}

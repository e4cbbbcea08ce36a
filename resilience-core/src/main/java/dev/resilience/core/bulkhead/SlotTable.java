package dev.resilience.core.bulkhead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.core.event.EventPublisher;

/**
 * A bulkhead's slots and their state: the {@link SlotLayout} in force, the retirements a shrink still owes, and
 * the lock that serialises every change to either. The slots are the permits: a call enters by {@link #claim
 * claiming} a free slot and leaves through it ({@link CallSlot#release()}).
 *
 * <p>There are as many slots as the highest limit allowed; those beyond the limit in force are <em>retired</em>,
 * never claimed. A shrink retires free slots and, for each call inside beyond the new limit, owes a retirement
 * that the next call to leave pays with its own slot instead of freeing it. While a retirement is owed nobody
 * enters. Entering and leaving read the layout and the retirements owed (zero unless a shrink is under way) and
 * take no lock; only an arriving caller that finds retirements owed tries it.
 */
final class SlotTable {

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(SlotTable.class, "pending", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The bulkhead's, through which a slot announces the call leaving it. */
    private final EventPublisher events;
    /** The bulkhead's, which a slot tells how the call went while the bulkhead is adaptive. */
    private final AdaptiveFeedback feedback;
    /** What every call reads; replaced under {@link #changes}. */
    private volatile SlotLayout layout;
    /** Retirements owed: calls inside beyond the limit, whose slots retire as they leave. Nobody enters meanwhile. */
    @SuppressWarnings("unused") // through PENDING
    private volatile int pending;
    /**
     * Serialises changes of the layout and the limit: taken by a reconfiguration and, once per window, by the call
     * that closes an adaptive window and moves the limit; a caller that finds retirements owed only tries it.
     * Never per call.
     */
    private final ReentrantLock changes = new ReentrantLock();

    /** {@code count} slots, those from {@code inUse} on retired. */
    SlotTable(EventPublisher events, AdaptiveFeedback feedback, int count, int inUse, WaitQueue queue,
            AdaptiveLimit limiter) {
        this.events = events;
        this.feedback = feedback;
        CallSlot[] all = new CallSlot[count];
        for (int i = 0; i < count; i++) {
            all[i] = new CallSlot(this, i >= inUse);
        }
        this.layout = new SlotLayout(all, inUse, queue, limiter);
    }

    SlotLayout layout() {
        return layout;
    }

    EventPublisher events() {
        return events;
    }

    AdaptiveFeedback feedback() {
        return feedback;
    }

    /** Under the change lock: {@code next} is what calls read from now on. */
    void install(SlotLayout next) {
        layout = next;
    }

    void lock() {
        changes.lock();
    }

    void unlock() {
        changes.unlock();
    }

    /**
     * Claims a free slot in {@code current} for a call: the slot is the permit. {@code null} when the limit is
     * reached, or while a shrink still owes retirements (the calls inside are not yet below the new limit).
     */
    CallSlot claim(SlotLayout current, Thread thread) {
        if (pending != 0 && !settleRetirements()) {
            return null;
        }
        return current.claimFree(thread);
    }

    /** Whether a shrink owes retirements: read by every call that leaves. */
    boolean owesRetirement() {
        return pending != 0;
    }

    /** Takes one owed retirement for the slot of a call leaving; {@code false} if none is owed any more. */
    boolean takeRetirement() {
        for (;;) {
            int owed = pending;
            if (owed == 0) {
                return false;
            }
            if (PENDING.compareAndSet(this, owed, owed - 1)) {
                return true;
            }
        }
    }

    /** Under the change lock, for a shrink: {@code count} more slots to retire, free ones at once. */
    void oweRetirements(int count) {
        PENDING.getAndAdd(this, count);
        retireFreeSlots();
    }

    /**
     * Under the change lock, for a growth: cancels up to {@code most} owed retirements, and returns how many it
     * cancelled (the growth needs that many fewer slots brought back).
     */
    int cancelRetirements(int most) {
        for (;;) {
            int owed = pending;
            int cancelled = Math.min(owed, most);
            if (cancelled == 0 || PENDING.compareAndSet(this, owed, owed - cancelled)) {
                return cancelled;
            }
        }
    }

    /**
     * Retires free slots while retirements are owed (a call that left as the shrink began freed its slot
     * instead), under the change lock, which an arriving caller does not wait for. {@code true} when nothing is
     * owed any more.
     */
    private boolean settleRetirements() {
        if (!changes.tryLock()) {
            return false;
        }
        try {
            retireFreeSlots();
            return pending == 0;
        } finally {
            changes.unlock();
        }
    }

    /** Under the change lock: retires free slots, highest first, while retirements are owed. */
    private void retireFreeSlots() {
        SlotLayout current = layout;
        CallSlot[] all = current.slots;
        for (int i = current.span - 1; i >= 0 && pending != 0; i--) {
            if (all[i].retireIfFree() && !takeRetirement()) {
                all[i].unretire(); // the calls leaving paid them all meanwhile: this one was not owed
                return;
            }
        }
    }

    /**
     * Under the change lock: brings {@code count} retired slots back into use, lowest first, widening the span
     * as needed. A slot whose call is still leaving (it took a retirement and is about to retire its slot) is
     * waited for.
     */
    void unretire(int count) {
        int left = count;
        CallSlot[] all = layout.slots;
        while (left > 0) {
            for (int i = 0; i < all.length && left > 0; i++) {
                if (all[i].isRetired()) {
                    if (i >= layout.span) {
                        layout = layout.withSpan(i + 1);
                    }
                    if (all[i].unretire()) {
                        left--;
                    }
                }
            }
            if (left > 0) {
                Thread.onSpinWait(); // a call leaving took a retirement and is about to retire its slot
            }
        }
    }

    /** Under the change lock: at least {@code length} slots, the new ones retired. Never fewer. */
    void ensureSlots(int length) {
        CallSlot[] all = layout.slots;
        if (all.length < length) {
            CallSlot[] grown = Arrays.copyOf(all, length);
            for (int i = all.length; i < length; i++) {
                grown[i] = new CallSlot(this, true);
            }
            layout = layout.withSlots(grown);
        }
    }

    /** Under the change lock, switching to adaptive: what a call measured before is no sample now. */
    void forgetSamples() {
        for (CallSlot slot : layout.slots) {
            slot.sampleStart = CallSlot.NOT_SAMPLED;
        }
    }

    /** After a change that may have freed places (the limit grew, retirements were paid): lets waiters in. */
    void grantWaiting() {
        WaitQueue waiting = layout.queue;
        if (waiting != null && !waiting.isEmpty()) {
            waiting.grantFree();
        }
    }
}

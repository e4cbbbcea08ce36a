package dev.resilience.core.bulkhead;

/**
 * What a call reads on entering and leaving, in one volatile read ({@link SlotTable#layout()}): the slots, how
 * many of them claims look at, the waiting callers and the adaptive limit. Immutable: a change replaces it
 * whole, under the {@link SlotTable#lock() change lock}, so the fields behind the one read are final.
 */
final class SlotLayout {
    /** As many as the highest limit allowed so far; grows (copied) when a reconfiguration raises that. */
    final CallSlot[] slots;
    /** Claims look at slots below this index only: every slot from it on is retired. */
    final int span;
    /** The callers waiting for a slot; {@code null} until a config with a max wait, when nobody ever waits. */
    final WaitQueue queue;
    /** {@code null} unless adaptive. */
    final AdaptiveLimit limiter;

    SlotLayout(CallSlot[] slots, int span, WaitQueue queue, AdaptiveLimit limiter) {
        this.slots = slots;
        this.span = span;
        this.queue = queue;
        this.limiter = limiter;
    }

    SlotLayout withSlots(CallSlot[] grown) {
        return new SlotLayout(grown, span, queue, limiter);
    }

    SlotLayout withSpan(int wider) {
        return new SlotLayout(slots, wider, queue, limiter);
    }

    SlotLayout withQueue(WaitQueue created) {
        return new SlotLayout(slots, span, created, limiter);
    }

    SlotLayout withLimiter(AdaptiveLimit adaptive) {
        return new SlotLayout(slots, span, queue, adaptive);
    }

    /**
     * Without waiting, the slots are the permits: a call is admitted by claiming a free one, and there is no
     * shared counter for threads to fight over. {@code null} when every slot in use is taken.
     */
    CallSlot claimFree(Thread thread) {
        CallSlot[] all = slots;
        int n = span;
        int i = firstSlot(thread, n);
        for (int tried = 0; tried < n; tried++) {
            CallSlot slot = all[i];
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

    /** Slots a call holds now, retired ones included: calls inside, counting places being handed on. */
    int taken() {
        return takenBelow(slots.length);
    }

    /** Slots a call holds now among those in use: below {@link #span}. */
    int takenInSpan() {
        return takenBelow(span);
    }

    private int takenBelow(int end) {
        CallSlot[] all = slots;
        int taken = 0;
        for (int i = 0; i < end; i++) {
            if (all[i].isTaken()) {
                taken++;
            }
        }
        return taken;
    }
}

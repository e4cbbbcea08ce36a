package dev.resilience.core.bulkhead;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The admission count of a bulkhead whose limit can change: an adaptive one from the start, a fixed one from its
 * first reconfiguration with another limit. A call enters by raising {@link #inside} while it is below the limit
 * in force, then takes any free place; a shrunk limit admits nobody until the calls inside drop below it.
 *
 * <p>The calls that were inside when a fixed bulkhead got its gate (they entered by their place alone, uncounted)
 * are its <em>legacy</em>: each place remembers which of its occupancies is one, and admission counts those
 * still inside (a scan of the places) until none is left.
 */
final class Gate {

    private static final VarHandle INSIDE;

    static {
        try {
            INSIDE = MethodHandles.lookup().findVarHandle(Gate.class, "inside", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** While the legacy is being counted: admission waits for the count (a scan of the places, no I/O). */
    static final int COUNTING = Integer.MAX_VALUE;

    private final Bulkhead bulkhead;
    private volatile int limit;
    @SuppressWarnings("unused") // through INSIDE
    private volatile int inside;
    /** Uncounted calls from before the gate still inside, at the last count; {@link #COUNTING} at first. */
    private volatile int legacy;

    Gate(Bulkhead bulkhead, int limit, boolean withLegacy) {
        this.bulkhead = bulkhead;
        this.limit = limit;
        this.legacy = withLegacy ? COUNTING : 0;
    }

    int limit() {
        return limit;
    }

    void limit(int limit) {
        this.limit = limit;
    }

    /** Counted calls inside (admitted through the gate), without the legacy. */
    int inside() {
        return inside;
    }

    void legacyCounted(int calls) {
        legacy = calls;
    }

    /** Takes one place in the count if the calls inside are below the limit. */
    boolean tryEnter() {
        for (;;) {
            int old = legacy;
            if (old != 0) {
                old = recountLegacy(old);
            }
            int n = inside;
            if (n + old >= limit) {
                return false;
            }
            if (INSIDE.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    private int recountLegacy(int last) {
        while (last == COUNTING) {
            Thread.onSpinWait();
            last = legacy;
        }
        if (last == 0) {
            return 0;
        }
        int now = bulkhead.legacyInside();
        legacy = now;
        return now;
    }

    void exit() {
        INSIDE.getAndAdd(this, -1);
    }
}

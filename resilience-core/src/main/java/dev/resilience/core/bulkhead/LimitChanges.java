package dev.resilience.core.bulkhead;

import java.util.function.IntConsumer;

/**
 * The limit in force over a bulkhead's slots, and how it moves (a reconfiguration, the adaptive limit, a reset),
 * always under the {@link SlotTable#lock() change lock}. The slots stay the permits through a change: a growth
 * brings retired slots back, a shrink retires free ones and owes the rest (see {@link SlotTable}), so no call
 * ever reads the limit to enter.
 */
final class LimitChanges {

    private final SlotTable table;
    /** Written under the change lock; read by the views and the rejection message. */
    private volatile int limit;
    /** Told every limit before it is in force, under the change lock: for tests that check the limit exactly. */
    private volatile IntConsumer observer = limit -> { };

    LimitChanges(SlotTable table, int start) {
        this.table = table;
        this.limit = start;
    }

    int limit() {
        return limit;
    }

    /**
     * Under the change lock: makes {@code target} the limit in force. A growth first cancels owed retirements,
     * then brings retired slots back, lowest first; a shrink retires free slots and owes the rest.
     */
    void set(int target) {
        observer.accept(target);
        int old = limit;
        if (target > old) {
            int grow = target - old;
            table.unretire(grow - table.cancelRetirements(grow));
            limit = target;
        } else if (target < old) {
            limit = target;
            table.oweRetirements(old - target);
        }
    }

    /** For tests: {@code next} hears each new limit before it is in force (under the change lock). */
    void observe(IntConsumer next) {
        table.lock();
        try {
            observer = next;
        } finally {
            table.unlock();
        }
    }
}

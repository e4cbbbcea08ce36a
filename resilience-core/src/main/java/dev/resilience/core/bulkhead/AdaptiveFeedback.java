package dev.resilience.core.bulkhead;

import dev.resilience.core.Outcomes;
import dev.resilience.core.event.EventType;
import dev.resilience.core.spi.Clock;

/**
 * What an adaptive bulkhead's calls tell its {@link AdaptiveLimit}, and what the bulkhead does when that limit
 * moves. A call leaving counts as overload (timed out, or an overload failure), as a latency sample (one in
 * {@value AdaptiveLimit#SAMPLE_EVERY} per slot, measured, succeeded), or not at all; the call that closes a window
 * and moves the limit puts the new limit in force and announces a move of more than 10%.
 *
 * <p>One per bulkhead, kept across reconfigurations: which rejections the last window saw outlives the limit
 * that a reconfiguration replaces.
 */
final class AdaptiveFeedback {

    private final Bulkhead bulkhead;
    /** The bulkhead's, read precisely for the latency of a sampled call. */
    private final Clock clock;
    /** Rejections counted when the adaptive limit last closed a window: any since means the bulkhead was full. */
    private long rejectedAtWindow;
    /** The limit last announced by {@link EventType#BULKHEAD_LIMIT_CHANGED} (or set); under the change lock. */
    private int announced;

    /** The bulkhead's parts are read when used: this is built before them, for the first adaptive limit. */
    AdaptiveFeedback(Bulkhead bulkhead, Clock clock) {
        this.bulkhead = bulkhead;
        this.clock = clock;
    }

    /** Under the change lock (or while the bulkhead is built): a limit set, not moved, so nothing to announce. */
    void announced(int limit) {
        announced = limit;
    }

    /**
     * A call leaves, still holding its slot ({@code occupied} is the stamp its holder read): it counts as overload
     * (timed out, or an overload failure), as a latency sample (measured, succeeded), or not at all (any other
     * failure, or not measured).
     */
    void measure(CallSlot slot, int occupied, Throwable failure, AdaptiveLimit adaptive) {
        long sampleStart = slot.sampleStart;
        slot.sampleStart = CallSlot.NOT_SAMPLED; // measured once: a call entering while the bulkhead was fixed is not
        int moved;
        if (slot.timedOut(occupied) || failure != null && isOverload(failure)) {
            moved = adaptive.overload(clock.nanoTime());
        } else if (failure == null && sampleStart != CallSlot.NOT_SAMPLED) {
            long now = clock.nanoTime();
            moved = adaptive.sample(now - sampleStart, now);
        } else {
            moved = -1;
        }
        if (moved >= 0) {
            limitMoved(adaptive, moved);
        }
    }

    /**
     * For the adaptive limit, as a window closes: whether the bulkhead was busy enough for its latency to say
     * something about more room (a rejection since the last window, or at least half the limit inside now). Reads
     * the slots in use: once per window, not per call.
     */
    boolean busy(int limit) {
        long rejectedNow = bulkhead.rejectedCalls();
        boolean rejectedSince = rejectedNow != rejectedAtWindow;
        rejectedAtWindow = rejectedNow;
        if (rejectedSince) {
            return true;
        }
        return bulkhead.slotTable().layout().takenInSpan() * 2 >= limit;
    }

    /** The failure itself, unwrapped from our outcome marker, or one of its causes. */
    private boolean isOverload(Throwable failure) {
        if (Outcomes.isMarked(failure)) {
            return false; // the code said how to judge it: ignored, or even a success
        }
        BulkheadConfig current = bulkhead.config();
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++) {
            if (current.isOverload(cause)) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    private void limitMoved(AdaptiveLimit limit, int moved) {
        SlotTable table = bulkhead.slotTable();
        int before;
        boolean announce;
        table.lock();
        try {
            if (table.layout().limiter != limit) {
                return; // reconfigured meanwhile: that limit is gone
            }
            before = announced;
            bulkhead.limitChanges().set(moved);
            announce = Math.abs(moved - before) * 10 > before;
            if (announce) {
                announced = moved;
            }
        } finally {
            table.unlock();
        }
        if (announce) {
            bulkhead.events().publish(EventType.BULKHEAD_LIMIT_CHANGED, "limit " + before + " -> " + moved);
        }
        table.grantWaiting();
    }
}

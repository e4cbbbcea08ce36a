package dev.resilience.core.bulkhead;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.resilience.core.spi.Clock;

/**
 * The live view of a bulkhead's calls, read from its slots without stopping them: a slot is copied only while its
 * call is stable ({@link CallSlot#read()}), so a call entering or leaving meanwhile is left out rather than torn.
 */
final class InFlightSnapshot {

    private InFlightSnapshot() {
    }

    /** The calls in {@code slots} now, longest-running first; times from {@code clock}. */
    static List<InFlightCall> of(CallSlot[] slots, Clock clock) {
        long nowNanos = clock.nanoTime();
        long nowMillis = clock.currentTimeMillis();
        List<InFlightCall> calls = new ArrayList<>();
        for (CallSlot slot : slots) {
            CallSlot.Occupant occupant = slot.read();
            if (occupant != null) {
                long elapsedNanos = Math.max(0, nowNanos - occupant.startNanos());
                calls.add(new InFlightCall(occupant.call(), occupant.thread(),
                        Instant.ofEpochMilli(nowMillis - elapsedNanos / 1_000_000), Duration.ofNanos(elapsedNanos),
                        occupant.timedOut()));
            }
        }
        calls.sort(Comparator.comparing(InFlightCall::duration).reversed());
        return calls;
    }
}

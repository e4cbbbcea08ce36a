package dev.resilience.spring.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import dev.resilience.core.event.EventListener;
import dev.resilience.core.event.ResilienceEvent;

/**
 * The most recent events of every instance, in a bounded ring (oldest dropped first). Subscribed to the
 * event types worth reading later; per-call chatter (successes, bulkhead entries and exits) is left out so
 * the hot path never builds an event for it and the buffer keeps what matters.
 */
public class RecentEvents implements EventListener {

    private final ReentrantLock lock = new ReentrantLock();
    private final ResilienceEvent[] ring;
    private int next;
    private int size;

    public RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("resilience.events.buffer-size must be at least 1, but was " + capacity);
        }
        this.ring = new ResilienceEvent[capacity];
    }

    @Override
    public void onEvent(ResilienceEvent event) {
        lock.lock();
        try {
            ring[next] = event;
            next = (next + 1) % ring.length;
            size = Math.min(size + 1, ring.length);
        } finally {
            lock.unlock();
        }
    }

    /** Newest first. */
    public List<ResilienceEvent> newestFirst() {
        lock.lock();
        try {
            List<ResilienceEvent> events = new ArrayList<>(size);
            for (int i = 1; i <= size; i++) {
                events.add(ring[Math.floorMod(next - i, ring.length)]);
            }
            return events;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return ring.length;
    }
}

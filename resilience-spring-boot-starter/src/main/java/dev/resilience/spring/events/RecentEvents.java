package dev.resilience.spring.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

import dev.resilience.core.event.EventListener;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

/**
 * The most recent events of each instance, bounded per instance (oldest dropped first). A circuit breaker's
 * state transitions, a cluster-wide rate limiter losing its engine and getting it back, and fault injection
 * switched or re-configured, are kept in a ring of their own, so a flood of rejected calls (or injected faults)
 * never pushes out the change that explains them. Subscribed to
 * the event types worth reading later; per-call chatter (successes, bulkhead entries and exits, rate-limiter
 * permits) is left out so the hot path never builds an event for it.
 * <p>
 * Recording takes no lock: the instance's rings are found in a concurrent map and each ring claims its slot
 * with an atomic index. Instances never share a ring, an index or a counter.
 */
public class RecentEvents implements EventListener {

    /** Newest first: by event time, then by when it was recorded, then by the instance's recording order. */
    private static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing((Entry entry) -> entry.event.time())
            .thenComparingLong(entry -> entry.recordedNanos).thenComparingLong(entry -> entry.sequence).reversed();

    private final int capacity;
    /** Per {@link PolicyKind#ordinal()}: the instances of that kind by name. */
    private final List<ConcurrentHashMap<String, InstanceEvents>> instancesByKind;

    /**
     * @param capacity how many call events, and separately how many state transitions, each instance keeps
     */
    public RecentEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("resilience.events.buffer-size must be at least 1, but was " + capacity);
        }
        this.capacity = capacity;
        List<ConcurrentHashMap<String, InstanceEvents>> byKind = new ArrayList<>();
        for (int i = 0; i < PolicyKind.values().length; i++) {
            byKind.add(new ConcurrentHashMap<>());
        }
        this.instancesByKind = List.copyOf(byKind);
    }

    @Override
    public void onEvent(ResilienceEvent event) {
        ConcurrentHashMap<String, InstanceEvents> instances = instancesByKind.get(event.policy().ordinal());
        InstanceEvents rings = instances.get(event.name());
        if (rings == null) {
            rings = instances.computeIfAbsent(event.name(), name -> new InstanceEvents(capacity));
        }
        rings.add(event);
    }

    /** Every instance's events, newest first. */
    public List<ResilienceEvent> newestFirst() {
        return newestFirst(null, null);
    }

    /**
     * The events of the instances called {@code name} (any name when {@code null}) of the kind {@code policy}
     * (any kind when {@code null}), newest first across all of them; events of equal time stay in the order
     * they were recorded.
     */
    public List<ResilienceEvent> newestFirst(@Nullable String name, @Nullable PolicyKind policy) {
        List<Entry> entries = new ArrayList<>();
        for (PolicyKind kind : PolicyKind.values()) {
            if (policy != null && policy != kind) {
                continue;
            }
            ConcurrentHashMap<String, InstanceEvents> instances = instancesByKind.get(kind.ordinal());
            if (name == null) {
                instances.values().forEach(rings -> rings.collectInto(entries));
            } else {
                InstanceEvents rings = instances.get(name);
                if (rings != null) {
                    rings.collectInto(entries);
                }
            }
        }
        entries.sort(NEWEST_FIRST);
        List<ResilienceEvent> events = new ArrayList<>(entries.size());
        entries.forEach(entry -> events.add(entry.event));
        return events;
    }

    /** How many call events, and separately how many state transitions, each instance keeps. */
    public int capacity() {
        return capacity;
    }

    /** One instance's events: state transitions apart from everything else, each in a ring of its own. */
    private static final class InstanceEvents {

        private final AtomicLong sequence = new AtomicLong();
        private final Ring calls;
        private final Ring transitions;

        InstanceEvents(int capacity) {
            this.calls = new Ring(capacity);
            this.transitions = new Ring(capacity);
        }

        void add(ResilienceEvent event) {
            Ring ring = isTransition(event.type()) ? transitions : calls;
            ring.add(event, System.nanoTime(), sequence.getAndIncrement());
        }

        void collectInto(List<Entry> entries) {
            calls.collectInto(entries);
            transitions.collectInto(entries);
        }

        /** A change of an instance's state, rare and telling: kept apart from the per-call events. */
        private static boolean isTransition(EventType type) {
            return type == EventType.STATE_TRANSITION || type == EventType.RATE_LIMITER_ENGINE_LOST
                    || type == EventType.RATE_LIMITER_ENGINE_BACK || type == EventType.CHAOS_CHANGED
                    || type.isConfigChange(); // a live change of settings, applied or rejected: rare and telling too
        }
    }

    /**
     * A lock-free ring keeping the last {@code capacity} entries added: each entry claims the next index and
     * takes slot {@code index % capacity} unless a later index already holds it (a writer that was overtaken
     * by one a whole lap ahead drops its entry, which is no longer among the last {@code capacity}).
     */
    private static final class Ring {

        private final AtomicReferenceArray<Entry> slots;
        private final AtomicLong next = new AtomicLong();

        Ring(int capacity) {
            this.slots = new AtomicReferenceArray<>(capacity);
        }

        void add(ResilienceEvent event, long recordedNanos, long sequence) {
            long index = next.getAndIncrement();
            int position = (int) (index % slots.length());
            Entry claimed = new Entry(index, event, recordedNanos, sequence);
            Entry current = slots.get(position);
            while (current == null || current.index < index) {
                if (slots.compareAndSet(position, current, claimed)) {
                    return;
                }
                current = slots.get(position);
            }
        }

        void collectInto(List<Entry> entries) {
            for (int i = 0; i < slots.length(); i++) {
                Entry entry = slots.get(i);
                if (entry != null) {
                    entries.add(entry);
                }
            }
        }
    }

    /**
     * An event with its index in its ring, when it was recorded ({@link System#nanoTime()}: orders events of
     * equal time across instances without a counter they would all share) and its instance's recording
     * sequence (orders them within the instance, across its two rings, even when the nano times are equal).
     */
    private record Entry(long index, ResilienceEvent event, long recordedNanos, long sequence) {
    }
}

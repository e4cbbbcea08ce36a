package dev.resilience.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import dev.resilience.core.spi.Clock;

/**
 * The listeners of one policy instance. Events are only built for types someone listens to, so an instance
 * nobody watches pays one array read per call and allocates nothing.
 */
public final class EventPublisher {

    private static final EventListener[] NONE = new EventListener[0];

    private final String name;
    private final Clock clock;
    /** Listeners per {@link EventType#ordinal()}; arrays are replaced, never mutated (copy on write). */
    private volatile EventListener[][] listenersByType;

    /** For the instance called {@code name}, stamping events with {@code clock}'s wall time. */
    public EventPublisher(String name, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.clock = Objects.requireNonNull(clock, "clock");
        EventListener[][] empty = new EventListener[EventType.values().length][];
        Arrays.fill(empty, NONE);
        this.listenersByType = empty;
    }

    /** Subscribes {@code listener} to every event of this instance. */
    public void onEvent(EventListener listener) {
        subscribe(EnumSet.allOf(EventType.class), listener);
    }

    /** Subscribes {@code listener} to the given types only. */
    public synchronized void subscribe(Set<EventType> types, EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        EventListener[][] next = listenersByType.clone();
        for (EventType type : types) {
            EventListener[] current = next[type.ordinal()];
            EventListener[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = listener;
            next[type.ordinal()] = grown;
        }
        listenersByType = next;
    }

    /** Removes {@code listener} from every type. */
    public synchronized void unsubscribe(EventListener listener) {
        EventListener[][] next = listenersByType.clone();
        for (int i = 0; i < next.length; i++) {
            next[i] = Arrays.stream(next[i]).filter(l -> l != listener).toArray(EventListener[]::new);
        }
        listenersByType = next;
    }

    /** {@code true} when someone listens to {@code type}: check before building an expensive detail text. */
    public boolean isListening(EventType type) {
        return listenersByType[type.ordinal()].length != 0;
    }

    /** Publishes an event without error or duration. */
    public void publish(EventType type, String detail) {
        publish(type, detail, null, null, null);
    }

    /** Builds the event only when someone listens, and delivers it to each listener in turn. */
    public void publish(EventType type, String detail, String reason, Throwable error, Duration duration) {
        EventListener[] listeners = listenersByType[type.ordinal()];
        if (listeners.length == 0) {
            return;
        }
        ResilienceEvent event = new ResilienceEvent(Instant.ofEpochMilli(clock.currentTimeMillis()), type, name,
                detail, reason, error, duration);
        for (EventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (Throwable ignored) {
                // A broken listener must never change the outcome of the protected call.
            }
        }
    }

    /** The instance name events are published under. */
    public String name() {
        return name;
    }
}

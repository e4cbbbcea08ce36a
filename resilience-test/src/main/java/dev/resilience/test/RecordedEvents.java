package dev.resilience.test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

/**
 * Events as they were recorded, in order, at one moment: what an {@link EventRecorder} holds, and what
 * {@link ResilienceAssertions#assertThat(RecordedEvents)} checks. Immutable; the filters return new views.
 */
public final class RecordedEvents implements Iterable<ResilienceEvent> {

    private final List<ResilienceEvent> events;

    private RecordedEvents(List<ResilienceEvent> events) {
        this.events = List.copyOf(events);
    }

    /** These events, in this order. */
    public static RecordedEvents of(Collection<ResilienceEvent> events) {
        return new RecordedEvents(new ArrayList<>(Objects.requireNonNull(events, "events")));
    }

    /** The events, oldest first. */
    public List<ResilienceEvent> list() {
        return events;
    }

    @Override
    public Iterator<ResilienceEvent> iterator() {
        return events.iterator();
    }

    public int size() {
        return events.size();
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    /** The events published by the instance called {@code name} (instances of any kind). */
    public RecordedEvents ofInstance(String name) {
        Objects.requireNonNull(name, "name");
        return filter(event -> event.name().equals(name));
    }

    /** The events of these types. */
    public RecordedEvents ofType(EventType type, EventType... more) {
        Set<EventType> types = EnumSet.of(type, more);
        return filter(event -> types.contains(event.type()));
    }

    /** The events of one kind of policy. */
    public RecordedEvents ofPolicy(PolicyKind policy) {
        Objects.requireNonNull(policy, "policy");
        return filter(event -> event.policy() == policy);
    }

    /** The events that {@code condition} accepts. */
    public RecordedEvents filter(Predicate<? super ResilienceEvent> condition) {
        return new RecordedEvents(events.stream().filter(condition).toList());
    }

    /** How many events are of {@code type}. */
    public long count(EventType type) {
        return events.stream().filter(event -> event.type() == type).count();
    }

    /**
     * The circuit breaker transitions, in order, as {@code CLOSED->OPEN}; prefixed with the breaker's name
     * ({@code serviceB: CLOSED->OPEN}) when several breakers are among the events.
     */
    public List<String> transitions() {
        List<ResilienceEvent> transitions = events.stream()
                .filter(event -> event.type() == EventType.STATE_TRANSITION).toList();
        boolean named = transitions.stream().map(ResilienceEvent::name).distinct().count() > 1;
        return transitions.stream().map(event -> named ? event.name() + ": " + event.detail() : event.detail())
                .toList();
    }

    /** The breaker transitions as pairs of states, in order (whatever breaker made them). */
    List<CircuitBreaker.State[]> statePairs() {
        List<CircuitBreaker.State[]> pairs = new ArrayList<>();
        for (ResilienceEvent event : events) {
            if (event.type() == EventType.STATE_TRANSITION) {
                String[] states = event.detail().split("->");
                if (states.length == 2) {
                    pairs.add(new CircuitBreaker.State[] { CircuitBreaker.State.valueOf(states[0]),
                            CircuitBreaker.State.valueOf(states[1]) });
                }
            }
        }
        return pairs;
    }

    /** The types of the events, in order. */
    public List<EventType> types() {
        return events.stream().map(ResilienceEvent::type).toList();
    }

    /** One event per line, or {@code (no events)}. */
    @Override
    public String toString() {
        if (events.isEmpty()) {
            return "(no events)";
        }
        StringBuilder text = new StringBuilder();
        for (ResilienceEvent event : events) {
            text.append(text.length() == 0 ? "" : "\n").append("  ").append(event);
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedEvents recorded && recorded.events.equals(events);
    }

    @Override
    public int hashCode() {
        return events.hashCode();
    }
}

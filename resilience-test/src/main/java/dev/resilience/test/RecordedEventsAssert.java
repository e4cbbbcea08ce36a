package dev.resilience.test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.circuitbreaker.CircuitBreaker.State;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;

/**
 * Assertions on {@link RecordedEvents}. A failure lists the events it looked at, one per line:
 *
 * <pre>
 * expected the events of 'serviceB' to contain the transition CLOSED->OPEN but the transitions were [] in:
 *   2026-01-01T00:00:00Z circuitbreaker 'serviceB' ERROR [java.io.IOException: down]
 * </pre>
 */
public class RecordedEventsAssert extends AbstractAssert<RecordedEventsAssert, RecordedEvents> {

    private final String scope;

    public RecordedEventsAssert(RecordedEvents actual) {
        this(actual, "the recorded events");
    }

    private RecordedEventsAssert(RecordedEvents actual, String scope) {
        super(actual, RecordedEventsAssert.class);
        this.scope = scope;
    }

    /** Goes on with the events of the instance called {@code name} only. */
    public RecordedEventsAssert ofInstance(String name) {
        isNotNull();
        return new RecordedEventsAssert(actual.ofInstance(name), "the events of '" + name + "'")
                .withInfoFrom(this);
    }

    /** Goes on with the events of one kind of policy only. */
    public RecordedEventsAssert ofPolicy(PolicyKind policy) {
        isNotNull();
        return new RecordedEventsAssert(actual.ofPolicy(policy), "the " + policy.id() + " events").withInfoFrom(this);
    }

    private RecordedEventsAssert withInfoFrom(RecordedEventsAssert parent) {
        if (parent.info.hasDescription()) {
            as(parent.info.description());
        }
        return this;
    }

    public RecordedEventsAssert isEmpty() {
        isNotNull();
        if (!actual.isEmpty()) {
            fail("to be empty but there " + (actual.size() == 1 ? "was 1 event" : "were " + actual.size() + " events"));
        }
        return this;
    }

    public RecordedEventsAssert hasSize(int expected) {
        isNotNull();
        if (actual.size() != expected) {
            fail("to be " + Texts.count(expected, "event") + " but there were " + actual.size());
        }
        return this;
    }

    /** A circuit breaker went from {@code from} to {@code to} at least once. */
    public RecordedEventsAssert containsTransition(State from, State to) {
        isNotNull();
        for (State[] pair : actual.statePairs()) {
            if (pair[0] == from && pair[1] == to) {
                return this;
            }
        }
        fail("to contain the transition " + from + "->" + to + " but the transitions were " + actual.transitions());
        return this;
    }

    /**
     * The breaker transitions pass through these states in this order, other transitions allowed in between:
     * {@code containsTransitionsInOrder(CLOSED, OPEN, HALF_OPEN, CLOSED)} holds for CLOSED->OPEN,
     * OPEN->HALF_OPEN, HALF_OPEN->OPEN, OPEN->HALF_OPEN, HALF_OPEN->CLOSED. With several breakers, narrow the
     * events down with {@link #ofInstance(String)} first.
     */
    public RecordedEventsAssert containsTransitionsInOrder(State first, State second, State... more) {
        isNotNull();
        List<State[]> wanted = pairs(first, second, more);
        int next = 0;
        for (State[] pair : actual.statePairs()) {
            if (next < wanted.size() && pair[0] == wanted.get(next)[0] && pair[1] == wanted.get(next)[1]) {
                next++;
            }
        }
        if (next < wanted.size()) {
            fail("to contain the transitions " + path(first, second, more) + " in this order but the transitions were "
                    + actual.transitions());
        }
        return this;
    }

    /** The breaker transitions are exactly these, in this order: {@code hasTransitions(CLOSED, OPEN)}. */
    public RecordedEventsAssert hasTransitions(State first, State second, State... more) {
        isNotNull();
        List<State[]> wanted = pairs(first, second, more);
        List<State[]> found = actual.statePairs();
        boolean same = wanted.size() == found.size();
        for (int i = 0; same && i < wanted.size(); i++) {
            same = Arrays.equals(wanted.get(i), found.get(i));
        }
        if (!same) {
            fail("to have exactly the transitions " + path(first, second, more) + " but the transitions were "
                    + actual.transitions());
        }
        return this;
    }

    /** At least one event of {@code type}. */
    public RecordedEventsAssert containsEvent(EventType type) {
        isNotNull();
        if (actual.count(type) == 0) {
            fail("to contain " + article(type) + " " + type + " event but there was none");
        }
        return this;
    }

    /** Exactly {@code times} events of {@code type}. */
    public RecordedEventsAssert hasEventCount(EventType type, long times) {
        isNotNull();
        long found = actual.count(type);
        if (found != times) {
            fail("to contain " + Texts.count(times, type + " event") + " but there " + (found == 1 ? "was " : "were ")
                    + found);
        }
        return this;
    }

    /** No event of {@code type}. */
    public RecordedEventsAssert hasNoEventOf(EventType type) {
        isNotNull();
        long found = actual.count(type);
        if (found != 0) {
            fail("to contain no " + type + " event but there " + (found == 1 ? "was 1" : "were " + found));
        }
        return this;
    }

    /** Events of these types were published in this order, other events allowed in between. */
    public RecordedEventsAssert containsEventsInOrder(EventType... types) {
        isNotNull();
        int next = 0;
        for (ResilienceEvent event : actual) {
            if (next < types.length && event.type() == types[next]) {
                next++;
            }
        }
        if (next < types.length) {
            fail("to contain the events " + Arrays.toString(types) + " in this order but found "
                    + (next == 0 ? "none of them" : "only " + Arrays.toString(Arrays.copyOf(types, next)))
                    + " before " + types[next]);
        }
        return this;
    }

    private static List<State[]> pairs(State first, State second, State... more) {
        List<State> states = new ArrayList<>();
        states.add(first);
        states.add(second);
        states.addAll(Arrays.asList(more));
        List<State[]> pairs = new ArrayList<>();
        for (int i = 1; i < states.size(); i++) {
            pairs.add(new State[] { states.get(i - 1), states.get(i) });
        }
        return pairs;
    }

    private static String path(State first, State second, State... more) {
        List<State> pairs = new ArrayList<>(List.of(first, second));
        pairs.addAll(Arrays.asList(more));
        return pairs.stream().map(State::name).collect(Collectors.joining("->"));
    }

    private static String article(EventType type) {
        return "AEIOU".indexOf(type.name().charAt(0)) >= 0 ? "an" : "a";
    }

    private void fail(String what) {
        failWithMessage("%s", "expected " + scope + " " + what + " in:\n" + actual);
    }
}

package dev.resilience.spring.events;

import dev.resilience.core.chaos.InjectedFaultException;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;

/** Tells events about injected faults from events about real ones, for the log and the events endpoint. */
public final class InjectedEvents {

    private InjectedEvents() {
    }

    /**
     * Whether {@code event} is about fault injection's doing: an injected fault or delay itself, or an event of
     * another policy whose error was injected ({@link InjectedFaultException#isInjected}).
     */
    public static boolean isInjected(ResilienceEvent event) {
        return event.type() == EventType.CHAOS_FAULT_INJECTED || event.type() == EventType.CHAOS_LATENCY_INJECTED
                || InjectedFaultException.isInjected(event.error());
    }
}

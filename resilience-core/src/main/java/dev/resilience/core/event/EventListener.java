package dev.resilience.core.event;

/**
 * Receives events. Listeners run on the thread that produced the event, never while a policy holds a lock;
 * an exception a listener throws is caught and never reaches the protected call.
 */
@FunctionalInterface
public interface EventListener {

    void onEvent(ResilienceEvent event);
}

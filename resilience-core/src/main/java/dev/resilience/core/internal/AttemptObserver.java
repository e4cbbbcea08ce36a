package dev.resilience.core.internal;

/**
 * Told when the timeout around the current attempt fires while work inside it is still going: a bulkhead
 * place marks its call as timed out (the work goes on and keeps its place), a request still queued for a
 * place withdraws.
 *
 * <p>Not API.
 */
public interface AttemptObserver {

    void attemptTimedOut();
}

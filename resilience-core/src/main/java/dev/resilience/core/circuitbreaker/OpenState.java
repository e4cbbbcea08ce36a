package dev.resilience.core.circuitbreaker;

import dev.resilience.core.spi.Clock;

/**
 * Rejects calls until the wait duration has passed, then gives way to HALF_OPEN: at the end of the wait, by a
 * task scheduled on the breaker's clock when this state is entered, or by the first call after it, whichever
 * comes first (the CAS on the state decides, so the move happens and is published once).
 */
final class OpenState extends BreakerState {

    static final String WAIT_ELAPSED = "wait duration in open state elapsed";

    private final long openedAtNanos;
    private final long waitNanos;
    private final WindowMetrics metricsWhenOpened;
    private final boolean ratesAvailable;
    private final StateTimer endOfWait = new StateTimer();

    OpenState(CircuitBreaker breaker, long openedAtNanos, BreakerState previous) {
        super(breaker);
        this.openedAtNanos = openedAtNanos;
        this.waitNanos = Clock.saturatedNanos(breaker.config().waitDurationInOpenState());
        // Keep showing what made the breaker open.
        this.metricsWhenOpened = previous.metrics();
        this.ratesAvailable = previous.ratesAvailable(metricsWhenOpened);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.OPEN;
    }

    @Override
    void onEntry() {
        endOfWait.start(breaker.clock(), this::waitEnded, remainingOpenNanos());
    }

    @Override
    void onExit() {
        endOfWait.stop();
    }

    private void waitEnded() {
        breaker.transition(this, CircuitBreaker.State.HALF_OPEN, WAIT_ELAPSED);
    }

    boolean waitElapsed() {
        return remainingOpenNanos() <= 0;
    }

    @Override
    BreakerState tryAcquire() {
        if (waitElapsed()) {
            return breaker.halfOpenAfterWait(this).tryAcquire();
        }
        return null;
    }

    @Override
    long remainingOpenNanos() {
        return waitNanos - (breaker.clock().coarseNanoTime() - openedAtNanos);
    }

    @Override
    WindowMetrics metrics() {
        return metricsWhenOpened;
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return ratesAvailable;
    }

    @Override
    void recordSuccess(boolean slow) {
        // Never hands out permits.
    }

    @Override
    void recordFailure(boolean slow) {
        // Never hands out permits.
    }
}

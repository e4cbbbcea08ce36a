package dev.resilience.core.circuitbreaker;

import dev.resilience.core.spi.Clock;

/** Rejects calls until the wait duration has passed, then gives way to HALF_OPEN. */
final class OpenState extends BreakerState {

    private final long openedAtNanos;
    private final long waitNanos;
    private final WindowMetrics metricsWhenOpened;
    private final boolean ratesAvailable;

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

package dev.resilience.core.circuitbreaker;

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
        this.waitNanos = breaker.waitNanos();
        // Keep showing what made the breaker open.
        this.metricsWhenOpened = previous.metrics();
        this.ratesAvailable = previous.ratesAvailable(metricsWhenOpened);
    }

    /** The same OPEN state (opened at the same time, showing the same calls) with the breaker's wait now. */
    private OpenState(OpenState open) {
        super(open.breaker);
        this.openedAtNanos = open.openedAtNanos;
        this.waitNanos = open.breaker.waitNanos();
        this.metricsWhenOpened = open.metricsWhenOpened;
        this.ratesAvailable = open.ratesAvailable;
    }

    /** A new wait counts from when the breaker opened. */
    @Override
    BreakerState reconfigured() {
        return breaker.waitNanos() == waitNanos ? null : new OpenState(this);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.OPEN;
    }

    @Override
    void onEntry() {
        endOfWait.start(breaker.clock(), this::waitEnded, Math.max(0, remainingOpenNanos()));
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

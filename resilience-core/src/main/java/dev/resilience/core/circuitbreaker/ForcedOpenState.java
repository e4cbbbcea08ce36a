package dev.resilience.core.circuitbreaker;

/** Rejects every call until someone changes the state. */
final class ForcedOpenState extends BreakerState {

    ForcedOpenState(CircuitBreaker breaker) {
        super(breaker);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.FORCED_OPEN;
    }

    @Override
    BreakerState tryAcquire() {
        return null;
    }

    @Override
    WindowMetrics metrics() {
        return WindowMetrics.EMPTY;
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return false;
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

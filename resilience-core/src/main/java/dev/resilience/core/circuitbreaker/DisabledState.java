package dev.resilience.core.circuitbreaker;

/** Admits every call and records nothing. */
final class DisabledState extends BreakerState {

    DisabledState(CircuitBreaker breaker) {
        super(breaker);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.DISABLED;
    }

    @Override
    BreakerState tryAcquire() {
        return this;
    }

    @Override
    boolean recording() {
        return false;
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
        // Records nothing by definition.
    }

    @Override
    void recordFailure(boolean slow) {
        // Records nothing by definition.
    }
}

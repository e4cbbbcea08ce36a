package dev.resilience.core.circuitbreaker;

/** A state set by hand that keeps no window: nothing to show, nothing to record. */
abstract class PassiveState extends BreakerState {

    PassiveState(CircuitBreaker breaker) {
        super(breaker);
    }

    @Override
    final WindowMetrics metrics() {
        return WindowMetrics.EMPTY;
    }

    @Override
    final boolean ratesAvailable(WindowMetrics metrics) {
        return false;
    }

    @Override
    final void recordSuccess(boolean slow) {
        // Keeps no window.
    }

    @Override
    final void recordFailure(boolean slow) {
        // Keeps no window.
    }
}

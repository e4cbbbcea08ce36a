package dev.resilience.core.circuitbreaker;

/** Admits every call and opens when the failure or slow-call rate of the window reaches its threshold. */
final class ClosedState extends BreakerState {

    private final SlidingWindow window;

    ClosedState(CircuitBreaker breaker, SlidingWindow window) {
        super(breaker);
        this.window = window;
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.CLOSED;
    }

    @Override
    BreakerState tryAcquire() {
        return this;
    }

    @Override
    void recordSuccess(boolean slow) {
        if (!slow) {
            if (window.recordFastSuccess()) {
                evaluate();
            }
            return;
        }
        window.record(false, true);
        evaluate();
    }

    @Override
    void recordFailure(boolean slow) {
        window.record(true, slow);
        evaluate();
    }

    private void evaluate() {
        WindowMetrics metrics = window.metrics();
        if (!ratesAvailable(metrics)) {
            return;
        }
        String reason = breaker.thresholdExceeded(metrics);
        if (reason != null) {
            breaker.transition(this, CircuitBreaker.State.OPEN, reason);
        }
    }

    @Override
    WindowMetrics metrics() {
        return window.metrics();
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return metrics.buffered() >= breaker.config().minimumNumberOfCalls();
    }
}

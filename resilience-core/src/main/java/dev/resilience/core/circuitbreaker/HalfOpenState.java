package dev.resilience.core.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admits exactly {@code permittedCallsInHalfOpenState} trial calls (a CAS on a permit counter, so never one
 * more under contention). When the last trial has finished, it closes if both rates are below their
 * thresholds and opens again otherwise. A trial whose outcome is not counted hands its permit back.
 */
final class HalfOpenState extends BreakerState {

    private final int trials;
    private final AtomicInteger permits;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger slow = new AtomicInteger();

    HalfOpenState(CircuitBreaker breaker) {
        super(breaker);
        this.trials = breaker.config().permittedCallsInHalfOpenState();
        this.permits = new AtomicInteger(trials);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.HALF_OPEN;
    }

    @Override
    BreakerState tryAcquire() {
        while (true) {
            int left = permits.get();
            if (left <= 0) {
                return null;
            }
            if (permits.compareAndSet(left, left - 1)) {
                return this;
            }
        }
    }

    @Override
    public void release() {
        permits.incrementAndGet();
    }

    @Override
    void recordSuccess(boolean slowCall) {
        record(false, slowCall);
    }

    @Override
    void recordFailure(boolean slowCall) {
        record(true, slowCall);
    }

    private void record(boolean failedCall, boolean slowCall) {
        // Count the kind before the total, so whoever sees the last trial finish sees all the counts.
        if (failedCall) {
            failed.incrementAndGet();
        }
        if (slowCall) {
            slow.incrementAndGet();
        }
        if (finished.incrementAndGet() == trials) {
            WindowMetrics metrics = metrics();
            String reason = breaker.thresholdExceeded(metrics);
            if (reason != null) {
                breaker.transition(this, CircuitBreaker.State.OPEN, "trial calls: " + reason);
            } else {
                breaker.transition(this, CircuitBreaker.State.CLOSED,
                        "trial calls: " + breaker.ratesBelowThresholds(metrics));
            }
        }
    }

    @Override
    WindowMetrics metrics() {
        return new WindowMetrics(Math.min(finished.get(), trials), failed.get(), slow.get());
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return metrics.buffered() >= trials;
    }
}

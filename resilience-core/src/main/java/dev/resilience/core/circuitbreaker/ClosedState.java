package dev.resilience.core.circuitbreaker;

/**
 * Admits every call and opens when the failure or slow-call rate of the window reaches its threshold.
 *
 * <p>With a count-based window, a fast success is counted once, by the window, and the breaker's lifetime
 * count of successes adds the window's count when it reads it. When the state is left, the window's count
 * is moved into the breaker's ({@link CountBasedWindow#takeFastSuccesses()}, atomic per cell); a call that
 * finishes later (it reports to the state that admitted it) moves its own success after counting it. Whoever
 * moves an increment moves it once, so the lifetime count stays exact without a second counter per call.
 */
final class ClosedState extends BreakerState {

    private final SlidingWindow window;
    /** Whether the window counts fast successes for the breaker ({@link CountBasedWindow}). */
    private final CountBasedWindow countingWindow;
    /** Set when the breaker has swapped this state out. */
    private volatile boolean retired;

    ClosedState(CircuitBreaker breaker, SlidingWindow window) {
        super(breaker);
        this.window = window;
        this.countingWindow = window instanceof CountBasedWindow counting ? counting : null;
    }

    @Override
    boolean countsFastSuccesses() {
        return countingWindow != null;
    }

    /** Fast successes the window counted and nobody has moved into the breaker's count yet. */
    long unmovedFastSuccesses() {
        return countingWindow == null ? 0 : countingWindow.fastSuccesses();
    }

    @Override
    void onExit() {
        retired = true;
        moveFastSuccesses();
    }

    private void moveFastSuccesses() {
        if (countingWindow != null) {
            breaker.movedFastSuccesses.add(countingWindow.takeFastSuccesses());
        }
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
            boolean evaluate = window.recordFastSuccess();
            if (retired) {
                moveFastSuccesses(); // a late call: its success would otherwise stay in a window nobody reads
                return;
            }
            if (evaluate) {
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

    void evaluate() {
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

    /**
     * A window of another type or size is replaced by a fresh one (the breaker stays CLOSED); a changed
     * minimum number of calls applies to this window.
     */
    @Override
    BreakerState reconfigured() {
        CircuitBreakerConfig config = breaker.config();
        if (window.type() != config.slidingWindowType() || window.size() != config.slidingWindowSize()) {
            return breaker.newClosedState();
        }
        if (countingWindow != null) {
            countingWindow.minimumNumberOfCalls(config.minimumNumberOfCalls());
        }
        return null;
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return metrics.buffered() >= breaker.config().minimumNumberOfCalls();
    }
}

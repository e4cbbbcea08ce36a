package dev.resilience.core.circuitbreaker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.core.spi.Clock;

/**
 * Admits exactly {@code permittedCallsInHalfOpenState} trial calls (a CAS on a permit counter, so never one
 * more under contention) and decides as soon as the outcome is certain. After each finished trial: when the
 * failures (or slow calls) so far reach their threshold over all the trials, even if every other trial
 * succeeds fast, it opens again; when neither rate could reach its threshold even if every other trial
 * failed slowly, it closes. A trial whose outcome is not counted hands its permit back. Trials still
 * running when the state is left report here, and change nothing. With a
 * {@code maxWaitDurationInHalfOpenState}, a task on the breaker's clock opens it again when the trials have
 * not decided in time.
 */
final class HalfOpenState extends BreakerState {

    private final int trials;
    private final Duration maxWaitLimit;
    private final AtomicInteger permits;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger slow = new AtomicInteger();
    /** Set when the trials decide, before the breaker leaves this state: the next state shows their rates. */
    private volatile boolean decided;
    private final StateTimer maxWait = new StateTimer();

    HalfOpenState(CircuitBreaker breaker) {
        super(breaker);
        this.trials = breaker.config().permittedCallsInHalfOpenState();
        this.maxWaitLimit = breaker.config().maxWaitDurationInHalfOpenState();
        this.permits = new AtomicInteger(trials);
    }

    @Override
    CircuitBreaker.State name() {
        return CircuitBreaker.State.HALF_OPEN;
    }

    @Override
    void onEntry() {
        if (!maxWaitLimit.isZero()) {
            maxWait.start(breaker.clock(), this::maxWaitElapsed, Clock.saturatedNanos(maxWaitLimit));
        }
    }

    private void maxWaitElapsed() {
        long limitMillis = Clock.saturatedNanos(maxWaitLimit) / 1_000_000;
        breaker.transition(this, CircuitBreaker.State.OPEN, "no decision within max wait duration in half-open state "
                + limitMillis + "ms: " + Math.min(finished.get(), trials) + " of " + trials + " trial calls finished");
    }

    @Override
    void onExit() {
        maxWait.stop();
        // A caller that read this state just before it was left gets no trial permit any more. At most
        // `trials` permits are out, so their releases cannot bring the count back above zero.
        permits.set(-trials);
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
        // Count the kind before the total, and read the kinds after it: the counts read then include every
        // trial among `done`, so `trials - done` bounds the trials whose outcome is still unknown.
        if (failedCall) {
            failed.incrementAndGet();
        }
        if (slowCall) {
            slow.incrementAndGet();
        }
        int done = finished.incrementAndGet();
        decide(Math.min(done, trials), failed.get(), slow.get());
    }

    private void decide(int done, int failedSoFar, int slowSoFar) {
        if (done == trials) {
            WindowMetrics all = new WindowMetrics(trials, failedSoFar, slowSoFar);
            String exceeded = breaker.thresholdExceeded(all);
            if (exceeded != null) {
                leave(CircuitBreaker.State.OPEN, exceeded);
            } else {
                leave(CircuitBreaker.State.CLOSED, breaker.ratesBelowThresholds(all));
            }
            return;
        }
        String certainlyExceeded = breaker.trialsExceedThreshold(failedSoFar, slowSoFar, trials);
        if (certainlyExceeded != null) {
            leave(CircuitBreaker.State.OPEN, certainlyExceeded);
            return;
        }
        String certainlyBelow = breaker.trialsStayBelowThresholds(done, failedSoFar, slowSoFar, trials);
        if (certainlyBelow != null) {
            leave(CircuitBreaker.State.CLOSED, certainlyBelow);
        }
    }

    private void leave(CircuitBreaker.State next, String reason) {
        decided = true;
        breaker.transition(this, next, "trial calls: " + reason);
    }

    @Override
    WindowMetrics metrics() {
        return new WindowMetrics(Math.min(finished.get(), trials), failed.get(), slow.get());
    }

    @Override
    boolean ratesAvailable(WindowMetrics metrics) {
        return decided || metrics.buffered() >= trials;
    }
}

package dev.resilience.core.circuitbreaker;

import java.time.Duration;

import dev.resilience.core.event.EventType;

/**
 * One state of one breaker, in the manner of a small state machine: each state decides admission and what
 * a result means in that state, and the breaker swaps whole state objects by CAS. A state object is also
 * the {@link CircuitBreaker.Permit} of the calls it admitted, so a call that finishes after a transition
 * reports to the state that admitted it and cannot disturb the next one (e.g. a half-open trial count).
 */
abstract class BreakerState implements CircuitBreaker.Permit {

    final CircuitBreaker breaker;

    BreakerState(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    abstract CircuitBreaker.State name();

    /** This state (as the permit) when the call may proceed; {@code null}, counted as not permitted, if not. */
    abstract BreakerState tryAcquire();

    /** Counts for the snapshot. */
    abstract WindowMetrics metrics();

    /** Whether {@link #metrics()} holds enough calls for the rates to mean something. */
    abstract boolean ratesAvailable(WindowMetrics metrics);

    /** Records a success; {@code slow} when it took at least the slow-call threshold. */
    abstract void recordSuccess(boolean slow);

    /** Records a failure; {@code slow} when it took at least the slow-call threshold. */
    abstract void recordFailure(boolean slow);

    /**
     * The breaker has just swapped this state in (and published the transition): start what runs while the
     * state lasts, such as a timer. Another thread may already have swapped it out again, and
     * {@link #onExit()} may even have run first.
     */
    void onEntry() {
        // Most states run nothing on their own.
    }

    /** The breaker has just swapped this state out: stop what {@link #onEntry()} started. */
    void onExit() {
        // Most states run nothing on their own.
    }

    long remainingOpenNanos() {
        return 0;
    }

    /**
     * The breaker's settings changed ({@link CircuitBreaker#reconfigure}): the equivalent of this state under
     * them, to swap in, or {@code null} when this state applies them as it is.
     */
    BreakerState reconfigured() {
        return null;
    }

    /** {@code false} for DISABLED, which records nothing at all. */
    boolean recording() {
        return true;
    }

    // Each outcome is published before it is recorded, so a listener sees a call's event before the
    // transition that call causes.

    @Override
    public final void onSuccess(long durationNanos) {
        onSuccess(durationNanos, breaker.settings());
    }

    /** As {@link #onSuccess(long)}, judged by {@code settings}, those in use when the call started. */
    final void onSuccess(long durationNanos, CircuitBreaker.Settings settings) {
        if (!recording()) {
            return;
        }
        breaker.publishCall(EventType.SUCCESS, null, durationNanos);
        boolean slow = durationNanos >= settings.slowCallThresholdNanos;
        if (slow || !countsFastSuccesses()) {
            breaker.successful.increment();
        }
        recordSuccess(slow);
    }

    /**
     * Whether {@link #recordSuccess recordSuccess(false)} counts the success towards the breaker's lifetime
     * count itself (a count-based window numbers its calls with that count: one increment for both).
     */
    boolean countsFastSuccesses() {
        return false;
    }

    @Override
    public final void onResult(long durationNanos, Object result) {
        onResult(durationNanos, result, breaker.settings());
    }

    /** As {@link #onResult(long, Object)}, judged by {@code settings}, those in use when the call started. */
    final void onResult(long durationNanos, Object result, CircuitBreaker.Settings settings) {
        if (!recording()) {
            return;
        }
        boolean failedResult;
        try {
            failedResult = settings.recordResult != null && settings.recordResult.test(result);
        } catch (RuntimeException | Error predicateFailure) {
            // The outcome cannot be judged: count nothing, and never keep a half-open trial permit.
            release();
            throw predicateFailure;
        }
        if (failedResult) {
            breaker.publishCall(EventType.ERROR, null, durationNanos);
            breaker.failed.increment();
            recordFailure(durationNanos >= settings.slowCallThresholdNanos);
        } else {
            onSuccess(durationNanos, settings);
        }
    }

    @Override
    public final void onError(long durationNanos, Throwable failure) {
        onError(durationNanos, failure, breaker.settings());
    }

    /** As {@link #onError(long, Throwable)}, judged by {@code settings}, those in use when the call started. */
    final void onError(long durationNanos, Throwable failure, CircuitBreaker.Settings settings) {
        if (!recording()) {
            return;
        }
        switch (breaker.classify(failure, settings)) {
            case SUCCESS -> onSuccess(durationNanos, settings);
            case FAILURE -> {
                breaker.publishCall(EventType.ERROR, failure, durationNanos);
                breaker.failed.increment();
                recordFailure(durationNanos >= settings.slowCallThresholdNanos);
            }
            case IGNORED -> onIgnored(durationNanos, failure);
        }
    }

    /**
     * The call failed in a way that says nothing about the downstream (the composition decides, e.g. a full
     * bulkhead nested inside): counted as ignored, whatever the config says.
     */
    final void onIgnored(long durationNanos, Throwable failure) {
        if (!recording()) {
            return;
        }
        breaker.ignored.increment();
        release();
        breaker.publishCall(EventType.IGNORED_ERROR, failure, durationNanos);
    }

    @Override
    public void release() {
        // Only half-open states hand permits back.
    }

    Duration remainingOpenTime() {
        return Duration.ofNanos(Math.max(0, remainingOpenNanos()));
    }
}

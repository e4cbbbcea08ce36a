package dev.resilience.core.circuitbreaker;

/** Admits every call and records nothing. */
final class DisabledState extends PassiveState {

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
}

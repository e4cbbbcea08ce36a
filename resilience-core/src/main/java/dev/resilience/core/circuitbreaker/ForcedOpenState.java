package dev.resilience.core.circuitbreaker;

/** Rejects every call until someone changes the state. */
final class ForcedOpenState extends PassiveState {

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
}

package dev.resilience.core.circuitbreaker;

import java.time.Instant;

/**
 * One change of state.
 *
 * @param from   the state left
 * @param to     the state entered
 * @param time   when
 * @param reason why, for people: {@code failure rate 62.5% >= 50%}, {@code manual}, ...
 */
public record StateTransition(CircuitBreaker.State from, CircuitBreaker.State to, Instant time, String reason) {

    @Override
    public String toString() {
        return from + "->" + to;
    }
}

package dev.resilience.core.circuitbreaker;

import java.time.Duration;

/**
 * What a circuit breaker shows at one moment. Rates are percentages, {@code -1} while fewer than
 * {@code minimumNumberOfCalls} calls are buffered (in HALF_OPEN: until every trial call has finished).
 *
 * @param state              the current state
 * @param failureRate        failed calls as a percentage of buffered calls, or {@code -1}
 * @param slowCallRate       slow calls as a percentage of buffered calls, or {@code -1}
 * @param bufferedCalls      calls in the sliding window (in HALF_OPEN: finished trial calls)
 * @param failedCalls        failed calls among them
 * @param slowCalls          slow calls among them (successful or failed)
 * @param notPermittedCalls  calls rejected since the breaker was created
 * @param remainingOpenTime  time until an OPEN breaker lets trial calls through; zero otherwise
 */
public record CircuitBreakerSnapshot(CircuitBreaker.State state, float failureRate, float slowCallRate,
        int bufferedCalls, int failedCalls, int slowCalls, long notPermittedCalls, Duration remainingOpenTime) {
}

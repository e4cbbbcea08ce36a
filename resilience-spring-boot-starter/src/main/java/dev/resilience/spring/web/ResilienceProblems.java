package dev.resilience.spring.web;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.timeout.TimeoutExceededException;

/**
 * The RFC 9457 problem response for a resilience exception, as the exception handlers of
 * {@link ResilienceWebAutoConfiguration} send it. An application that handles these exceptions itself may call
 * {@link #response} and adjust the result.
 *
 * <table>
 * <caption>Responses</caption>
 * <tr><th>Exception</th><th>Status</th><th>{@code type}</th><th>{@code Retry-After}</th></tr>
 * <tr><td>{@link RateLimitExceededException}</td><td>429</td><td>{@value #RATE_LIMITED_TYPE}</td>
 * <td>its {@code retryAfter()}</td></tr>
 * <tr><td>{@link CircuitBreakerOpenException}</td><td>503</td><td>{@value #CIRCUIT_BREAKER_OPEN_TYPE}</td>
 * <td>OPEN: the breaker's remaining open time; HALF_OPEN (every trial call taken): 1 second; FORCED_OPEN: none,
 * as the breaker stays open until it is told otherwise</td></tr>
 * <tr><td>{@link BulkheadFullException}</td><td>503</td><td>{@value #BULKHEAD_FULL_TYPE}</td><td>none</td></tr>
 * <tr><td>{@link TimeoutExceededException}</td><td>504</td><td>{@value #TIMEOUT_EXCEEDED_TYPE}</td>
 * <td>none</td></tr>
 * </table>
 *
 * <p>The {@code type} URIs are stable identifiers of the four kinds of problem, meant to be compared by clients,
 * not fetched. {@code Retry-After} is in whole seconds, rounded up and at least 1. The body has {@code type},
 * {@code title} (fixed per type), {@code status}, {@code detail} (the exception's message, which names the policy
 * instance), {@code instance} (the request path) and the extension members {@code name} (the policy instance),
 * {@code retryAfterSeconds} (whenever {@code Retry-After} is sent) and, for a circuit breaker, {@code state}.
 */
public final class ResilienceProblems {

    /** {@code type} of a call rejected by a rate limiter. */
    public static final String RATE_LIMITED_TYPE = "https://resilience.dev/problems/rate-limited";
    /** {@code type} of a call rejected by a circuit breaker. */
    public static final String CIRCUIT_BREAKER_OPEN_TYPE = "https://resilience.dev/problems/circuit-breaker-open";
    /** {@code type} of a call rejected by a full bulkhead. */
    public static final String BULKHEAD_FULL_TYPE = "https://resilience.dev/problems/bulkhead-full";
    /** {@code type} of a call that did not finish within its timeout. */
    public static final String TIMEOUT_EXCEEDED_TYPE = "https://resilience.dev/problems/timeout-exceeded";

    /** How deep a cause chain is searched; a guard against cycles. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private ResilienceProblems() {
    }

    /**
     * The problem response for the first rate limiter, circuit breaker, bulkhead or timeout exception found in
     * {@code failure} or its causes.
     *
     * @param failure  the exception that escaped the controller
     * @param instance the request path, sent as {@code instance}; {@code null} leaves it out
     * @return the response, or {@code null} when neither the failure nor any of its causes is one of the four
     */
    public static ResponseEntity<ProblemDetail> response(Throwable failure, URI instance) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
            ResponseEntity<ProblemDetail> response = responseFor(current, instance);
            if (response != null) {
                return response;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return null;
    }

    private static ResponseEntity<ProblemDetail> responseFor(Throwable failure, URI instance) {
        if (failure instanceof RateLimitExceededException rateLimited) {
            long seconds = retryAfterSeconds(rateLimited.retryAfter().orElse(Duration.ZERO));
            return response(HttpStatus.TOO_MANY_REQUESTS, RATE_LIMITED_TYPE, "Rate limit exceeded", failure, instance,
                    rateLimited.rateLimiterName(), seconds);
        }
        if (failure instanceof CircuitBreakerOpenException open) {
            long seconds = switch (open.state()) {
                case OPEN -> retryAfterSeconds(open.remainingOpenTime());
                case HALF_OPEN -> 1; // the trial calls decide soon
                default -> 0; // FORCED_OPEN: open until told otherwise, no time to promise
            };
            ResponseEntity<ProblemDetail> response = response(HttpStatus.SERVICE_UNAVAILABLE,
                    CIRCUIT_BREAKER_OPEN_TYPE, "Circuit breaker open", failure, instance, open.circuitBreakerName(),
                    seconds);
            CircuitBreaker.State state = open.state();
            if (state != null) {
                response.getBody().setProperty("state", state.name());
            }
            return response;
        }
        if (failure instanceof BulkheadFullException full) {
            return response(HttpStatus.SERVICE_UNAVAILABLE, BULKHEAD_FULL_TYPE, "Bulkhead full", failure, instance,
                    full.bulkheadName(), 0);
        }
        if (failure instanceof TimeoutExceededException timedOut) {
            return response(HttpStatus.GATEWAY_TIMEOUT, TIMEOUT_EXCEEDED_TYPE, "Timeout exceeded", failure, instance,
                    timedOut.timeoutName(), 0);
        }
        return null;
    }

    /** @param retryAfterSeconds 0 for no {@code Retry-After} */
    private static ResponseEntity<ProblemDetail> response(HttpStatus status, String type, String title,
            Throwable failure, URI instance, String name, long retryAfterSeconds) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, failure.getMessage());
        problem.setType(URI.create(type));
        problem.setTitle(title);
        if (instance != null) {
            problem.setInstance(instance);
        }
        problem.setProperty("name", name);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (retryAfterSeconds > 0) {
            problem.setProperty("retryAfterSeconds", retryAfterSeconds);
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        return response.body(problem);
    }

    /** Whole seconds, rounded up, at least 1. */
    static long retryAfterSeconds(Duration wait) {
        if (wait == null || wait.isNegative() || wait.isZero()) {
            return 1;
        }
        long seconds = wait.getSeconds();
        return wait.getNano() > 0 && seconds < Long.MAX_VALUE ? seconds + 1 : seconds;
    }
}

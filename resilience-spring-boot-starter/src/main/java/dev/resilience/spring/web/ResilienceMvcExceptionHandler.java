package dev.resilience.spring.web;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.timeout.TimeoutExceededException;

/**
 * Spring MVC: a rate limiter, circuit breaker, bulkhead or timeout exception that escapes a controller becomes
 * the problem response of {@link ResilienceProblems}. Ordered last, and registered by the auto-configuration after
 * the application's own beans, so an {@code @ExceptionHandler} of the controller or of any application
 * {@code @ControllerAdvice} that handles the exception (or a supertype of it) wins. It is not a
 * {@code ResponseEntityExceptionHandler}, so Boot's own one ({@code spring.mvc.problemdetails.enabled}) is still
 * created.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ResilienceMvcExceptionHandler {

    @ExceptionHandler({ RateLimitExceededException.class, CircuitBreakerOpenException.class,
            BulkheadFullException.class, TimeoutExceededException.class })
    public ResponseEntity<ProblemDetail> handleResilienceException(Exception exception, HttpServletRequest request)
            throws Exception {
        ResponseEntity<ProblemDetail> response = ResilienceProblems.response(exception,
                URI.create(request.getRequestURI()));
        if (response == null) {
            throw exception; // not ours after all: left to the next resolver
        }
        return response;
    }
}

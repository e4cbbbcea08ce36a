package dev.resilience.spring.web;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * {@code resilience.web.*}: how a Spring MVC or WebFlux application answers when a resilience exception escapes
 * one of its controllers.
 */
public class ResilienceWebProperties {

    /** Problem responses (RFC 9457) for resilience exceptions that escape a controller. */
    @NestedConfigurationProperty
    private final ProblemDetails problemDetails = new ProblemDetails();

    public ProblemDetails getProblemDetails() {
        return problemDetails;
    }

    /** {@code resilience.web.problem-details.*}. */
    public static class ProblemDetails {

        /**
         * Whether a rate limiter, circuit breaker, bulkhead or timeout exception that escapes a controller becomes
         * an RFC 9457 problem response (429, 503 or 504, with Retry-After where known). The application's own
         * exception handlers always win over it.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}

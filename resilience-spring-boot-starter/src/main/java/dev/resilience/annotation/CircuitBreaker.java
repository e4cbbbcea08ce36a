package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Protects the method with a circuit breaker: once the downstream keeps failing or keeps being slow,
 * calls are rejected with {@code CircuitBreakerOpenException} until trial calls show it has recovered.
 *
 * <p>On a class, applies to every public method but {@code equals}, {@code hashCode} and {@code toString}; an
 * annotation of the same kind on a method wins. Settings
 * come from {@code resilience.circuitbreaker.instances.<name>} (falling back to {@code resilience.circuitbreaker.configs.default}).
 * Combined with the other annotations, the nesting is always
 * Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → method.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CircuitBreaker {

    /** The instance name; empty means {@code SimpleClassName.methodName}. */
    String name() default "";
}

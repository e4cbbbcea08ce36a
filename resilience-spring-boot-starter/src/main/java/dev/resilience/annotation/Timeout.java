package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how long the method may take. A synchronous method runs on the caller's thread and is interrupted
 * at the deadline; the caller gets {@code TimeoutExceededException}. A {@code CompletionStage} method's
 * stage completes exceptionally at the deadline without blocking any thread.
 *
 * <p>On a class, applies to every public method but {@code equals}, {@code hashCode} and {@code toString}; an
 * annotation of the same kind on a method wins. Settings
 * come from {@code resilience.timeout.instances.<name>} (falling back to {@code resilience.timeout.configs.default}).
 * Combined with the other annotations, the nesting is always
 * Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → method.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Timeout {

    /** The instance name; empty means {@code SimpleClassName.methodName}. */
    String name() default "";
}

package dev.resilience.annotation;

import dev.resilience.core.RetryAfterHint;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries the method when it fails, with the backoff, jitter and budget of the named retry instance.
 * A failure that carries a server-requested delay ({@link RetryAfterHint}) waits that long instead.
 *
 * <p>On a class, applies to every public method but {@code equals}, {@code hashCode} and {@code toString}; an
 * annotation of the same kind on a method wins. Settings
 * come from {@code resilience.retry.instances.<name>} (falling back to {@code resilience.retry.configs.default}).
 * Combined with the other annotations, the nesting is always
 * Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → method.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Retry {

    /** The instance name; empty means {@code SimpleClassName.methodName}. */
    String name() default "";
}

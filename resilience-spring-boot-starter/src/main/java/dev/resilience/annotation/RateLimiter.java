package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often the method may be called: {@code limit-for-period} calls per {@code limit-refresh-period}.
 * A call without a permit waits up to {@code max-wait-duration} (a synchronous method on its thread, an
 * asynchronous or reactive one on the clock, holding no thread), else fails with
 * {@code RateLimitExceededException}, whose {@code retryAfter()} says when a permit frees. A rejected call is
 * local overload: a circuit breaker around it does not count it, and a retry does not retry it unless its
 * {@code retry-exceptions} name {@code RateLimitExceededException} (it then waits that long).
 *
 * <p>With {@link #key()}, each key (a tenant, a user, an API key) has a limit of its own.
 *
 * <p>On a class, applies to every public method but {@code equals}, {@code hashCode} and {@code toString}; an
 * annotation of the same kind on a method wins. Settings come from
 * {@code resilience.ratelimiter.instances.<name>} (falling back to {@code resilience.ratelimiter.configs.default}).
 * Combined with the other annotations, the nesting is always
 * Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → method: every retry attempt takes
 * a permit of its own.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimiter {

    /** The instance name; empty means {@code SimpleClassName.methodName}. */
    String name() default "";

    /**
     * A SpEL expression over the method's arguments whose value is the call's key: each key gets its own
     * bucket with the instance's settings (at most {@code max-keys} of them, the least recently used dropped
     * first). Arguments are named by parameter name ({@code #tenantId}), or by position ({@code #p0},
     * {@code #a0}); {@code #root} is the array of arguments. E.g. {@code "#request.tenantId"}. A {@code null}
     * value takes from the instance's shared bucket. Empty (the default): every call shares that bucket.
     *
     * <p>Parsed when the bean is created: an invalid expression, or one naming no parameter of the method, stops
     * start-up. What it throws when a call evaluates it fails that call, before any policy.
     */
    String key() default "";
}

package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares the method idempotent and hedges its calls: when a call has no outcome after the configured delay
 * (a duration, or a percentile of recent latency such as {@code p95}), an extra copy of it starts beside the
 * first, and the first successful result wins; the other attempts are cancelled (a synchronous attempt's
 * thread is interrupted, a future or subscription cancelled). If every attempt fails, the caller gets the
 * first attempt's failure, with the others' suppressed.
 *
 * <p>Only on methods, never on a class: hedging runs a call more than once, so each method must be declared
 * safe for it on its own. A synchronous method's first attempt runs on the caller's thread and the extra ones
 * on the application's task executor (virtual threads with {@code spring.threads.virtual.enabled}); a
 * {@code CompletionStage}, {@code Mono} or {@code suspend} method's attempts continue on it too. A
 * {@code Flux} cannot be hedged (its elements reach the subscriber as they come).
 *
 * <p>Settings come from {@code resilience.hedge.instances.<name>} (falling back to
 * {@code resilience.hedge.configs.default}). Combined with the other annotations, the nesting is always
 * Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → method: each attempt passes
 * through the breaker, the limits and the timeout, and each extra attempt is taken from the retry's budget.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Hedge {

    /** The instance name; empty means {@code SimpleClassName.methodName}. */
    String name() default "";
}

package dev.resilience.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies the result from another method of the same bean when the call fails (after retries, or when
 * the breaker, rate limiter, timeout or bulkhead rejects it).
 *
 * <p>{@link #method()} names a method with the same parameters, optionally followed by one parameter of a
 * {@code Throwable} type; its return type must be assignable to the annotated method's. With overloads, the
 * one whose exception parameter most specifically matches the failure is chosen; one without an exception
 * parameter matches any failure. It may be private. Unless the annotated method returns a
 * {@code CompletionStage}, it must not declare checked exceptions the annotated method does not declare. It is
 * resolved when the bean is created: a missing or incompatible fallback stops start-up. What the fallback
 * method throws reaches the caller.
 *
 * <p>On a class, applies to every public method but {@code equals}, {@code hashCode} and {@code toString}
 * (each of those methods then needs a matching fallback method); an annotation on a method wins.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Fallback {

    /** Name of the fallback method in the same class. */
    String method();

    /** Failures the fallback handles (and their subclasses). */
    Class<? extends Throwable>[] applyOn() default { Throwable.class };

    /** Failures the fallback never handles, even when listed in {@link #applyOn()}. */
    Class<? extends Throwable>[] skipOn() default {};
}

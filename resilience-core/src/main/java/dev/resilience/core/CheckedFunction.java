package dev.resilience.core;

/**
 * Code that takes one argument, returns a value and may throw anything, checked exceptions included. Handing
 * a pipeline a function that does not capture anything, with its argument beside it, lets a call run without
 * allocating a lambda per call.
 */
@FunctionalInterface
public interface CheckedFunction<A, T> {

    T apply(A argument) throws Throwable;
}

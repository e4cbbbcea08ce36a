package dev.resilience.core.fallback;

/** Supplies a result for a failure; may throw, and what it throws reaches the caller. */
@FunctionalInterface
public interface FallbackFunction<T> {

    T apply(Throwable failure) throws Throwable;
}

package dev.resilience.core;

/** Code that returns a value and may throw anything, checked exceptions included. */
@FunctionalInterface
public interface CheckedSupplier<T> {

    T get() throws Throwable;
}

package dev.resilience.core.spi;

/** A task scheduled on a {@link Clock}, which can be cancelled before it runs. */
@FunctionalInterface
public interface Cancellable {

    /** Does nothing: for tasks that were never scheduled. */
    Cancellable NONE = () -> false;

    /** @return {@code true} when the task had not run yet and now never will */
    boolean cancel();
}

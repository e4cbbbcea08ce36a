package dev.resilience.core.spi;

/**
 * Carries the caller's thread-bound context (logging MDC, tracing, security) to the threads an asynchronous
 * execution hops to: the timer that ends a timeout, the executor that runs a scheduled retry, a fallback.
 * {@link #capture()} runs once on the caller's thread; each hop runs inside {@link Snapshot#restore()}.
 */
@FunctionalInterface
public interface ContextPropagation {

    /** Carries nothing. */
    ContextPropagation NONE = () -> Snapshot.EMPTY;

    /** Captures the current thread's context. */
    Snapshot capture();

    /** A captured context. */
    @FunctionalInterface
    interface Snapshot {

        Snapshot EMPTY = () -> Scope.NOOP;

        /** Installs the captured context on the current thread until the scope is closed. */
        Scope restore();

        /** Runs {@code task} with this context installed. */
        default Runnable wrap(Runnable task) {
            return () -> {
                try (Scope ignored = restore()) {
                    task.run();
                }
            };
        }
    }

    /** Undoes a {@link Snapshot#restore()}. */
    @FunctionalInterface
    interface Scope extends AutoCloseable {

        Scope NOOP = () -> { };

        @Override
        void close();
    }
}

package dev.resilience.core;

import java.util.Objects;

/**
 * Lets protected code tell the policies how to judge a failure it throws.
 *
 * <pre>{@code
 * catch (NotFoundException e) {
 *     throw Outcomes.ignore(e);        // not a downstream failure: do not count it, do not retry it
 * }
 * }</pre>
 *
 * The returned exception is a marker the policies recognise; the caller always receives the original
 * exception, unwrapped, checked ones included.
 */
public final class Outcomes {

    private Outcomes() {
    }

    /**
     * The circuit breaker does not record the failure and retry does not retry it; the caller gets
     * {@code failure} itself.
     */
    public static RuntimeException ignore(Throwable failure) {
        return new OutcomeSignal(OutcomeSignal.Kind.IGNORE, Objects.requireNonNull(failure, "failure"));
    }

    /**
     * The circuit breaker records the call as a success and retry does not retry it; the caller still gets
     * {@code failure} itself.
     */
    public static RuntimeException markAsSuccess(Throwable failure) {
        return new OutcomeSignal(OutcomeSignal.Kind.SUCCESS, Objects.requireNonNull(failure, "failure"));
    }

    /** The exception the protected code meant to throw: the original behind a marker, or {@code t} itself. */
    public static Throwable unwrap(Throwable t) {
        return t instanceof OutcomeSignal signal ? signal.getCause() : t;
    }

    /** {@code true} when {@code t} was marked with {@link #ignore(Throwable)}. */
    public static boolean isIgnored(Throwable t) {
        return t instanceof OutcomeSignal signal && signal.kind == OutcomeSignal.Kind.IGNORE;
    }

    /** {@code true} when {@code t} was marked with {@link #markAsSuccess(Throwable)}. */
    public static boolean isMarkedAsSuccess(Throwable t) {
        return t instanceof OutcomeSignal signal && signal.kind == OutcomeSignal.Kind.SUCCESS;
    }

    /** {@code true} for either marker: retry never retries such an outcome. */
    public static boolean isMarked(Throwable t) {
        return t instanceof OutcomeSignal;
    }

    /** Carries the original exception through the policies; never reaches the caller. */
    static final class OutcomeSignal extends RuntimeException {

        private static final long serialVersionUID = 1L;

        enum Kind { IGNORE, SUCCESS }

        final Kind kind;

        OutcomeSignal(Kind kind, Throwable original) {
            super("outcome marked " + kind + ": " + original, original, false, false);
            this.kind = kind;
        }
    }
}

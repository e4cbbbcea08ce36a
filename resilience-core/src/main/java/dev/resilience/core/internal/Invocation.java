package dev.resilience.core.internal;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.resilience.core.CheckedFunction;
import dev.resilience.core.CheckedSupplier;

/**
 * The kinds of synchronous code a pipeline runs, passed along with the code rather than found out with
 * {@code instanceof}: a failed interface check on a lambda class scans its supertypes and rewrites a cache
 * word on every call, and wrapping the code in an adapter would cost every call an allocation.
 *
 * <p>Not API.
 */
public final class Invocation {

    public static final int CHECKED = 0;
    public static final int SUPPLIER = 1;
    public static final int CALLABLE = 2;
    public static final int RUNNABLE = 3;
    /** A {@link CheckedFunction}; the stages' {@code argument} is its argument. */
    public static final int FUNCTION = 4;

    /** {@code startNanos} when no enclosing stage has read the clock. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private Invocation() {
    }

    /** Runs {@code call} as {@code kind} says; a {@link #FUNCTION} is applied to {@code argument}. */
    @SuppressWarnings("unchecked")
    public static Object invoke(Object call, int kind, Object argument) throws Throwable {
        switch (kind) {
            case FUNCTION:
                return ((CheckedFunction<Object, ?>) call).apply(argument);
            case CHECKED:
                return ((CheckedSupplier<?>) call).get();
            case SUPPLIER:
                return ((Supplier<?>) call).get();
            case CALLABLE:
                return ((Callable<?>) call).call();
            default:
                ((Runnable) call).run();
                return null;
        }
    }

    /** Rethrows any throwable without declaring it: the compiler's checked-exception rule, not the JVM's. */
    @SuppressWarnings("unchecked")
    public static <E extends Throwable> E sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}

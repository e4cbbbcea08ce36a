package dev.resilience.core;

import java.util.List;
import java.util.Objects;

/**
 * Decides which failures a policy acts on: a failure matches when it is an instance of one of the
 * {@code included} types (all failures when that list is empty) and of none of the {@code excluded} types.
 * Subclasses match; the excluded list wins. Immutable.
 */
public final class ExceptionFilter {

    private static final ExceptionFilter ALL = new ExceptionFilter(List.of(), List.of());

    private final List<Class<? extends Throwable>> included;
    private final List<Class<? extends Throwable>> excluded;

    private ExceptionFilter(List<Class<? extends Throwable>> included, List<Class<? extends Throwable>> excluded) {
        this.included = included;
        this.excluded = excluded;
    }

    /** Matches every failure. */
    public static ExceptionFilter all() {
        return ALL;
    }

    /**
     * @param included types that match (empty: every type)
     * @param excluded types that never match, even when also included
     */
    public static ExceptionFilter of(List<Class<? extends Throwable>> included,
            List<Class<? extends Throwable>> excluded) {
        List<Class<? extends Throwable>> in = List.copyOf(Objects.requireNonNull(included, "included"));
        List<Class<? extends Throwable>> out = List.copyOf(Objects.requireNonNull(excluded, "excluded"));
        return in.isEmpty() && out.isEmpty() ? ALL : new ExceptionFilter(in, out);
    }

    /** {@code true} when {@code failure} is one this filter selects. */
    public boolean matches(Throwable failure) {
        if (isInstanceOfAny(excluded, failure)) {
            return false;
        }
        return included.isEmpty() || isInstanceOfAny(included, failure);
    }

    /** {@code true} when {@code failure} is of an excluded type, whatever the included list says. */
    public boolean excludes(Throwable failure) {
        return isInstanceOfAny(excluded, failure);
    }

    /** Types that match; empty means every type. */
    public List<Class<? extends Throwable>> included() {
        return included;
    }

    /** Types that never match. */
    public List<Class<? extends Throwable>> excluded() {
        return excluded;
    }

    private static boolean isInstanceOfAny(List<Class<? extends Throwable>> types, Throwable failure) {
        for (Class<? extends Throwable> type : types) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExceptionFilter that && included.equals(that.included)
                && excluded.equals(that.excluded);
    }

    @Override
    public int hashCode() {
        return Objects.hash(included, excluded);
    }

    @Override
    public String toString() {
        return "ExceptionFilter[included=" + included + ", excluded=" + excluded + "]";
    }
}

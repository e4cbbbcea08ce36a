package dev.resilience.core.ratelimiter;

/**
 * Where a {@link RateLimiter} takes its permits: a bucket of its own (smooth or fixed-window), or one shared
 * by every instance of a service on a distributed engine. Implementations are thread-safe.
 */
public interface PermitBucket {

    /**
     * Takes one permit, reserving one that frees within {@code maxWaitNanos} if none is free now.
     *
     * @return {@code 0} when a permit was taken at once; a positive number of nanoseconds when a permit was
     *         reserved that may be used after that wait; or a negative number when nothing was taken, its
     *         magnitude the nanoseconds until a permit frees
     */
    long acquire(long maxWaitNanos);

    /** Hands back a permit that was reserved and will not be used (its waiting call was cancelled). */
    void refund();

    /** Permits free now. */
    long availablePermits();

    /**
     * Full again, as when it was made: for tests, between two of them. By default nothing changes (a bucket
     * shared by a whole cluster is not for one test to refill); the local buckets implement it.
     */
    default void resetToInitialState() {
    }
}

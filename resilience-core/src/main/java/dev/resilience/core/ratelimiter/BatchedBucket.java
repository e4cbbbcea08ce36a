package dev.resilience.core.ratelimiter;

/**
 * A local bucket that also hands out and takes back permits in batches, for {@link StripedBucket}: the
 * fixed-window bucket, and the smooth one kept per clock reading ({@link SmoothReadings}).
 */
interface BatchedBucket extends PermitBucket {

    /** The time this bucket goes by. */
    long now();

    /** Permits per period. */
    long limit();

    /**
     * Takes at most {@code max} of the permits free at {@code now}, at once (no reservation).
     *
     * @return how many were taken; {@code 0} when none is free
     */
    long takeUpTo(long now, long max);

    /** Hands back {@code count} permits taken at {@code takenAt} that will not be used. */
    void giveBack(long takenAt, long count);

    /** Whether permits taken at {@code takenAt} and handed back at {@code now} would be free again. */
    boolean givenBackFreely(long takenAt, long now);

    /** Whether permits taken at {@code now} may still be used until {@code until} (exclusive). */
    boolean usableUntil(long now, long until);

    @Override
    default void refund() {
        giveBack(now(), 1);
    }
}

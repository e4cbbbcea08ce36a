package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * A bucket kept in this JVM, on the limiter's clock. Besides the permit-at-a-time protocol of
 * {@link PermitBucket}, it hands out and takes back permits in batches, for {@link StripedBucket}.
 *
 * <p>A period of a second or more is timed on the clock's coarse time ({@link Clock#coarseNanoTime()}, a few
 * milliseconds stale, at most 1 % of the period) instead of a {@code System.nanoTime()} call per permit, which
 * costs more than the rest of a permit together; shorter periods read the precise time.
 */
abstract class LocalBucket extends PaddedWord implements PermitBucket {

    /** Periods at least this long are timed on the coarse clock. */
    static final long COARSE_PERIOD_NANOS = 1_000_000_000L;

    private final Clock clock;
    private final boolean coarse;
    private final long limit;

    LocalBucket(RateLimiterConfig config, Clock clock) {
        this.clock = clock;
        this.coarse = config.limitRefreshPeriod().toNanos() >= COARSE_PERIOD_NANOS;
        this.limit = config.limitForPeriod();
    }

    /** The time this bucket goes by. */
    final long now() {
        return coarse ? clock.coarseNanoTime() : clock.nanoTime();
    }

    /** Permits per period. */
    final long limit() {
        return limit;
    }

    /**
     * Takes at most {@code max} of the permits free at {@code now}, at once (no reservation).
     *
     * @return how many were taken; {@code 0} when none is free
     */
    abstract long takeUpTo(long now, long max);

    /** Hands back {@code count} permits taken at {@code takenAt} that will not be used. */
    abstract void giveBack(long takenAt, long count);

    /** Whether permits taken at {@code takenAt} and handed back at {@code now} would be free again. */
    abstract boolean givenBackFreely(long takenAt, long now);

    /** Whether permits taken at {@code now} may still be used until {@code until} (exclusive). */
    abstract boolean usableUntil(long now, long until);



    @Override
    public void refund() {
        giveBack(now(), 1);
    }
}

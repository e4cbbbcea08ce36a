package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * A bucket kept in this JVM, on the limiter's clock.
 *
 * <p>A period of a second or more is timed on the clock's coarse time ({@link Clock#coarseNanoTime()}, a few
 * milliseconds stale, at most 1 % of the period) instead of a {@code System.nanoTime()} call per permit, which
 * costs more than the rest of a permit together; shorter periods read the precise time.
 */
abstract class LocalBucket implements PermitBucket {

    /** Periods at least this long are timed on the coarse clock. */
    private static final long COARSE_PERIOD_NANOS = 1_000_000_000L;

    private final Clock clock;
    private final boolean coarse;
    private final long limit;

    LocalBucket(RateLimiterConfig config, Clock clock) {
        this.clock = clock;
        this.coarse = timedCoarsely(config);
        this.limit = config.limitForPeriod();
    }

    /** A bucket of the config's type kept as one word: a key's, or a limiter's own when batches do not pay. */
    static LocalBucket oneWord(RateLimiterConfig config, Clock clock) {
        return config.type() == RateLimiterType.SMOOTH ? new SmoothBucket(config, clock)
                : new FixedWindowBucket(config, clock);
    }

    /** Whether buckets made from {@code config} go by the coarse time. */
    static boolean timedCoarsely(RateLimiterConfig config) {
        return config.limitRefreshPeriod().toNanos() >= COARSE_PERIOD_NANOS;
    }

    /** The time this bucket goes by. */
    public final long now() {
        return coarse ? clock.coarseNanoTime() : clock.nanoTime();
    }

    /** Permits per period. */
    public final long limit() {
        return limit;
    }
}

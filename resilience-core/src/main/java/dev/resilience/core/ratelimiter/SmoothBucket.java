package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * A token bucket refilling one permit every {@code period / limit} and holding at most {@code limit}, kept
 * as one number (alone on its cache line): the time at which the bucket would be full again (the generic cell
 * rate algorithm). Taking a permit is one CAS; nothing is allocated. A limiter's own bucket with a large limit
 * is a {@link SmoothReadings} instead, which can take a batch's rest back exactly.
 */
final class SmoothBucket extends PaddedWord {

    /** Nanoseconds per permit, rounded up so that no period ever hands out more than the limit. */
    private final long interval;
    /** Nanoseconds an empty bucket takes to fill: interval × limit. */
    private final long capacity;

    SmoothBucket(RateLimiterConfig config, Clock clock) {
        super(config, clock);
        long periodNanos = config.limitRefreshPeriod().toNanos();
        this.interval = (periodNanos + limit() - 1) / limit();
        this.capacity = interval * limit();
        word(now()); // starts full
    }

    @Override
    public long acquire(long maxWaitNanos) {
        // The state first, then the clock: a thread paused between the two reads sees a time at least as late as
        // the state it read, never a state that others moved past its stale time (a false refusal).
        long full = word();
        long now = now();
        boolean fresh = true;
        while (true) {
            long next = Math.max(full, now) + interval;
            long wait = next - now - capacity;
            if (wait > maxWaitNanos) {
                if (!fresh) {
                    // The time was read before the state others moved on: read both again before refusing.
                    full = word();
                    now = now();
                    fresh = true;
                    continue;
                }
                return -Math.max(1, wait);
            }
            if (casWord(full, next)) {
                return Math.max(0, wait);
            }
            // Another permit was taken meanwhile: try again on the new state with the time already read. A clock
            // read per retry would widen the very race just lost; an older time only makes the wait longer.
            full = word();
            fresh = false;
        }
    }

    @Override
    public void refund() {
        // Whenever it was taken: a full bucket's state lies in the past, where moving it further back adds
        // nothing, so a permit handed back never fills it beyond its capacity.
        while (true) {
            long full = word();
            if (casWord(full, full - interval)) {
                return;
            }
        }
    }

    @Override
    public void resetToInitialState() {
        word(now());
    }

    @Override
    public long availablePermits() {
        long used = Math.max(0, word() - now());
        return Math.max(0, (capacity - used) / interval);
    }
}

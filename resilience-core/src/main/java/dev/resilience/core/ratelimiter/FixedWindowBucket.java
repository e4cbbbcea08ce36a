package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * {@code limit} permits per fixed window of one period. One long holds the window number (high 40 bits,
 * counted from the bucket's creation) and the permits taken since that window began (low 24 bits): permit
 * {@code n} of that count belongs to window {@code window + n / limit}, so a reservation for a later window
 * is just a higher count. Taking a permit is one CAS; nothing is allocated.
 */
final class FixedWindowBucket extends PaddedWord implements PermitBucket {

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private final Clock clock;
    private final long origin;
    private final long period;
    private final long limit;

    FixedWindowBucket(RateLimiterConfig config, Clock clock) {
        this.clock = clock;
        this.origin = clock.nanoTime();
        this.period = config.limitRefreshPeriod().toNanos();
        this.limit = config.limitForPeriod();
    }

    @Override
    public long acquire(long maxWaitNanos) {
        // The state first, then the clock (as in SmoothBucket): a stale time must not meet a newer state.
        long current = word();
        long now = clock.nanoTime();
        long window = (now - origin) / period;
        boolean fresh = true;
        while (true) {
            long stateWindow = current >>> COUNT_BITS;
            long taken = current & COUNT_MASK;
            if (window > stateWindow) {
                // Permits of windows that have passed are gone; reservations for later ones remain.
                taken = Math.max(0, taken - (window - stateWindow) * limit);
                stateWindow = window;
            }
            long wait = taken < limit ? 0 : origin + (stateWindow + taken / limit) * period - now;
            if (wait > maxWaitNanos || taken + 1 > COUNT_MASK) {
                if (!fresh) {
                    // The time was read before the state others moved on: read both again before refusing.
                    current = word();
                    now = clock.nanoTime();
                    window = (now - origin) / period;
                    fresh = true;
                    continue;
                }
                return -Math.max(1, wait);
            }
            if (casWord(current, (stateWindow << COUNT_BITS) | (taken + 1))) {
                return wait;
            }
            // Another permit was taken meanwhile: try again on the new state with the time already read (as in
            // SmoothBucket; here a window that began meanwhile is seen at the latest by the refusal's re-read).
            current = word();
            fresh = false;
        }
    }

    @Override
    public void refund() {
        while (true) {
            long current = word();
            if ((current & COUNT_MASK) == 0 || casWord(current, current - 1)) {
                return;
            }
        }
    }

    /** The current window, with nothing taken (reservations for later windows are dropped too). */
    @Override
    public void resetToInitialState() {
        word(((clock.nanoTime() - origin) / period) << COUNT_BITS);
    }

    @Override
    public long availablePermits() {
        long current = word();
        long window = (clock.nanoTime() - origin) / period;
        long taken = current & COUNT_MASK;
        long stateWindow = current >>> COUNT_BITS;
        if (window > stateWindow) {
            taken = Math.max(0, taken - (window - stateWindow) * limit);
        }
        return Math.max(0, limit - taken);
    }
}

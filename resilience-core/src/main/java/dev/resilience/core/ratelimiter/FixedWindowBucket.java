package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * {@code limit} permits per fixed window of one period. One long holds the window number (high 32 bits,
 * counted from the bucket's creation and wrapping) and the permits taken since that window began (low 32 bits):
 * permit {@code n} of that count belongs to window {@code window + n / limit}, so a reservation for a later
 * window is just a higher count. Taking a permit, or a batch of them, is one CAS; nothing is allocated.
 */
final class FixedWindowBucket extends PaddedWord implements BatchedBucket {

    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    /**
     * A state whose window seems up to this many windows ahead of a caller's was written by a thread that read
     * the time later (the caller's time is a little stale); further ahead, the window number has wrapped (the
     * bucket was idle for 2^31 windows) and the state is long past.
     */
    private static final int STALE_WINDOWS = 2;
    private final long origin;
    private final long period;

    FixedWindowBucket(RateLimiterConfig config, Clock clock) {
        super(config, clock);
        this.origin = now();
        this.period = config.limitRefreshPeriod().toNanos();
    }

    private long windowAt(long now) {
        return (now - origin) / period;
    }

    /** Windows that have begun since the state's: {@code 0} or less when it is the current one. */
    private static int behind(long window, long state) {
        int behind = (int) window - (int) (state >>> 32);
        return behind < -STALE_WINDOWS ? Integer.MAX_VALUE : behind;
    }

    /** The state's window: the current one, or the one a later time already moved it to. */
    private static long stateWindow(long window, int behind) {
        return behind > 0 ? window : window - behind;
    }

    /** The state's count seen from {@code window}: permits of windows that have passed are gone. */
    private long taken(long state, int behind) {
        long taken = state & COUNT_MASK;
        return behind > 0 ? Math.max(0, taken - Math.min(behind, Integer.MAX_VALUE / 2) * limit()) : taken;
    }

    private static long state(long window, long taken) {
        return ((long) (int) window << 32) | taken;
    }

    @Override
    public long acquire(long maxWaitNanos) {
        // The state first, then the clock (as in SmoothBucket): a stale time must not meet a newer state.
        long current = word();
        long now = now();
        long window = windowAt(now);
        boolean fresh = true;
        while (true) {
            int behind = behind(window, current);
            long stateWindow = stateWindow(window, behind);
            long taken = taken(current, behind);
            long limit = limit();
            long wait = taken < limit ? 0 : origin + (stateWindow + taken / limit) * period - now;
            if (wait > maxWaitNanos || taken + 1 > COUNT_MASK) {
                if (!fresh) {
                    // The time was read before the state others moved on: read both again before refusing.
                    current = word();
                    now = now();
                    window = windowAt(now);
                    fresh = true;
                    continue;
                }
                return -Math.max(1, wait);
            }
            if (casWord(current, state(stateWindow, taken + 1))) {
                return wait;
            }
            // Another permit was taken meanwhile: try again on the new state with the time already read (as in
            // SmoothBucket; here a window that began meanwhile is seen at the latest by the refusal's re-read).
            current = word();
            fresh = false;
        }
    }

    @Override
    public long takeUpTo(long now, long max) {
        long window = windowAt(now);
        while (true) {
            long current = word();
            int behind = behind(window, current);
            long taken = taken(current, behind);
            if (taken >= limit()) {
                return 0;
            }
            long count = Math.min(max, limit() - taken);
            if (casWord(current, state(stateWindow(window, behind), taken + count))) {
                return count;
            }
        }
    }

    /** Only into the window they were taken in: permits of a window that has passed are gone with it. */
    @Override
    public void giveBack(long takenAt, long count) {
        long window = windowAt(takenAt);
        while (true) {
            long current = word();
            if (behind(window, current) != 0) {
                return;
            }
            long taken = current & COUNT_MASK;
            if (taken == 0 || casWord(current, current - Math.min(count, taken))) {
                return;
            }
        }
    }

    @Override
    public boolean givenBackFreely(long takenAt, long now) {
        return windowAt(takenAt) == windowAt(now);
    }

    @Override
    public boolean usableUntil(long now, long until) {
        return windowAt(until - 1) == windowAt(now);
    }


    /** The current window, with nothing taken (reservations for later windows are dropped too). */
    @Override
    public void resetToInitialState() {
        word(state(windowAt(now()), 0));
    }

    @Override
    public long availablePermits() {
        long current = word();
        long window = windowAt(now());
        return Math.max(0, limit() - taken(current, behind(window, current)));
    }
}

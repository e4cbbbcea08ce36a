package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.resilience.core.spi.Clock;

/**
 * {@code limit} permits per fixed window of one period. One long holds the window number (high 40 bits,
 * counted from the bucket's creation) and the permits taken since that window began (low 24 bits): permit
 * {@code n} of that count belongs to window {@code window + n / limit}, so a reservation for a later window
 * is just a higher count. Taking a permit is one CAS; nothing is allocated.
 */
final class FixedWindowBucket implements PermitBucket {

    private static final int COUNT_BITS = 24;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FixedWindowBucket.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Clock clock;
    private final long origin;
    private final long period;
    private final long limit;
    @SuppressWarnings("unused") // through STATE
    private volatile long state;

    FixedWindowBucket(RateLimiterConfig config, Clock clock) {
        this.clock = clock;
        this.origin = clock.nanoTime();
        this.period = config.limitRefreshPeriod().toNanos();
        this.limit = config.limitForPeriod();
    }

    @Override
    public long acquire(long maxWaitNanos) {
        while (true) {
            // The state first, then the clock (as in SmoothBucket): a stale time must not meet a newer state.
            long current = (long) STATE.getVolatile(this);
            long now = clock.nanoTime();
            long window = (now - origin) / period;
            long stateWindow = current >>> COUNT_BITS;
            long taken = current & COUNT_MASK;
            if (window > stateWindow) {
                // Permits of windows that have passed are gone; reservations for later ones remain.
                taken = Math.max(0, taken - (window - stateWindow) * limit);
                stateWindow = window;
            }
            long wait = taken < limit ? 0 : origin + (stateWindow + taken / limit) * period - now;
            if (wait > maxWaitNanos || taken + 1 > COUNT_MASK) {
                return -Math.max(1, wait);
            }
            if (STATE.compareAndSet(this, current, (stateWindow << COUNT_BITS) | (taken + 1))) {
                return wait;
            }
        }
    }

    @Override
    public void refund() {
        while (true) {
            long current = (long) STATE.getVolatile(this);
            if ((current & COUNT_MASK) == 0 || STATE.compareAndSet(this, current, current - 1)) {
                return;
            }
        }
    }

    /** The current window, with nothing taken (reservations for later windows are dropped too). */
    @Override
    public void resetToInitialState() {
        STATE.setVolatile(this, ((clock.nanoTime() - origin) / period) << COUNT_BITS);
    }

    @Override
    public long availablePermits() {
        long current = (long) STATE.getVolatile(this);
        long window = (clock.nanoTime() - origin) / period;
        long taken = current & COUNT_MASK;
        long stateWindow = current >>> COUNT_BITS;
        if (window > stateWindow) {
            taken = Math.max(0, taken - (window - stateWindow) * limit);
        }
        return Math.max(0, limit - taken);
    }
}

package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import dev.resilience.core.spi.Clock;

/**
 * A token bucket refilling one permit every {@code period / limit} and holding at most {@code limit}, kept
 * as one number: the time at which the bucket would be full again (the generic cell rate algorithm). Taking
 * a permit is one CAS; nothing is allocated.
 */
final class SmoothBucket implements PermitBucket {

    private static final VarHandle FULL_AT;

    static {
        try {
            FULL_AT = MethodHandles.lookup().findVarHandle(SmoothBucket.class, "fullAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Clock clock;
    /** Nanoseconds per permit, rounded up so that no period ever hands out more than the limit. */
    private final long interval;
    /** Nanoseconds an empty bucket takes to fill: interval × limit. */
    private final long capacity;
    @SuppressWarnings("unused") // through FULL_AT
    private volatile long fullAt;

    SmoothBucket(RateLimiterConfig config, Clock clock) {
        this.clock = clock;
        long periodNanos = config.limitRefreshPeriod().toNanos();
        int limit = config.limitForPeriod();
        this.interval = (periodNanos + limit - 1) / limit;
        this.capacity = interval * limit;
        this.fullAt = clock.nanoTime(); // starts full
    }

    @Override
    public long acquire(long maxWaitNanos) {
        while (true) {
            // The state first, then the clock: a thread paused between the two reads sees a time at least as
            // late as the state it read, never a state that others moved past its stale time (a false refusal).
            long full = (long) FULL_AT.getVolatile(this);
            long now = clock.nanoTime();
            long next = Math.max(full, now) + interval;
            long wait = next - now - capacity;
            if (wait > maxWaitNanos) {
                return -Math.max(1, wait);
            }
            if (FULL_AT.compareAndSet(this, full, next)) {
                return Math.max(0, wait);
            }
        }
    }

    @Override
    public void refund() {
        while (true) {
            long full = (long) FULL_AT.getVolatile(this);
            if (FULL_AT.compareAndSet(this, full, full - interval)) {
                return;
            }
        }
    }

    @Override
    public void resetToInitialState() {
        FULL_AT.setVolatile(this, clock.nanoTime());
    }

    @Override
    public long availablePermits() {
        long used = Math.max(0, (long) FULL_AT.getVolatile(this) - clock.nanoTime());
        return Math.max(0, (capacity - used) / interval);
    }
}

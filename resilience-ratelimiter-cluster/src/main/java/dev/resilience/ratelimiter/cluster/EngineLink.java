package dev.resilience.ratelimiter.cluster;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.spi.Clock;

/**
 * Whether the buckets of one limiter (its own and its keys') reach the engine. Shared: every call goes to the
 * engine. Lost: calls use the fallback, and one call per probe interval tries the engine again; its success
 * brings the limiter back. Each transition is told to the listener once. Lock-free.
 */
final class EngineLink {

    private final String name;
    private final String engine;
    private final Clock clock;
    private final long probeIntervalNanos;
    private final EngineStateListener listener;
    private final AtomicReference<Lost> lost = new AtomicReference<>();
    private final AtomicLong nextProbe = new AtomicLong();
    private volatile RateLimiterConfig config;
    private volatile long sharedSinceMillis;

    EngineLink(String name, String engine, RateLimiterConfig config, Clock clock, long probeIntervalNanos,
            EngineStateListener listener) {
        this.name = name;
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        this.probeIntervalNanos = probeIntervalNanos;
        this.listener = listener;
        this.sharedSinceMillis = clock.currentTimeMillis();
    }

    /** The limiter's buckets were made (again) with {@code config}. */
    void configure(RateLimiterConfig config) {
        this.config = config;
    }

    /**
     * Whether this call goes to the engine: always while it is reachable; while it is lost, only the one call
     * that claims the next probe slot (at most one per probe interval).
     */
    boolean useEngine() {
        if (lost.get() == null) {
            return true;
        }
        long now = clock.nanoTime();
        long next = nextProbe.get();
        return now - next >= 0 && nextProbe.compareAndSet(next, now + probeIntervalNanos);
    }

    /** The engine answered. */
    void succeeded() {
        Lost current = lost.get();
        if (current != null && lost.compareAndSet(current, null)) {
            sharedSinceMillis = clock.currentTimeMillis();
            try {
                listener.engineBack(name);
            } catch (Throwable ignored) {
                // A broken listener must not change the outcome of the call.
            }
        }
    }

    /** The engine failed a call with {@code cause}. */
    void failed(Throwable cause) {
        nextProbe.set(clock.nanoTime() + probeIntervalNanos);
        while (true) {
            Lost current = lost.get();
            if (current == null) {
                if (lost.compareAndSet(null, new Lost(clock.currentTimeMillis(), cause))) {
                    try {
                        listener.engineLost(name, cause);
                    } catch (Throwable ignored) {
                        // As above.
                    }
                    return;
                }
            } else if (lost.compareAndSet(current, new Lost(current.sinceMillis, cause))) {
                return;
            }
        }
    }

    boolean isLost() {
        return lost.get() != null;
    }

    RateLimiterConfig config() {
        return config;
    }

    /** {@code limitForPeriod / expectedInstances}, at least 1: each instance's share of the limit. */
    static int fallbackLimit(RateLimiterConfig config) {
        return Math.max(1, config.limitForPeriod() / config.expectedInstances());
    }

    EngineState state() {
        RateLimiterConfig current = config;
        Lost now = lost.get();
        boolean reject = current.onEngineFailure() == EngineFailureMode.REJECT;
        EngineState.Mode mode = now == null ? EngineState.Mode.SHARED
                : reject ? EngineState.Mode.REJECTING : EngineState.Mode.LOCAL_FALLBACK;
        return new EngineState(name, engine, mode, current.limitForPeriod(), current.limitRefreshPeriod(),
                reject ? 0 : fallbackLimit(current),
                Instant.ofEpochMilli(now == null ? sharedSinceMillis : now.sinceMillis),
                now == null ? Optional.empty() : Optional.of(now.cause));
    }

    private record Lost(long sinceMillis, Throwable cause) {
    }
}

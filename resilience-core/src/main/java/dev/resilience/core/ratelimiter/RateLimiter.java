package dev.resilience.core.ratelimiter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.spi.Clock;

/**
 * Limits how often calls may start: {@code limitForPeriod} permits per {@code limitRefreshPeriod}, handed out
 * smoothly (a token bucket) or per fixed window. A call without a permit waits up to {@code maxWaitDuration}
 * (synchronous calls on their thread; asynchronous and reactive ones on the clock's timer, holding no thread)
 * or fails with {@link RateLimitExceededException}. Calls that carry a {@link RateLimitKey} take from their
 * key's own bucket, with the same settings.
 *
 * <p>A permit is one CAS on the bucket and one counter: no lock, no allocation.
 */
public final class RateLimiter {

    static {
        StageFactories.register(RateLimiter.class, new RateLimiterStages());
    }

    private final String name;
    private final RateLimiterConfig config;
    private final Clock clock;
    private final EventPublisher events;
    private final PermitBuckets factory;
    private final PermitBucket bucket;
    private final long maxWaitNanos;
    private volatile KeyedBuckets keyed;
    private final LongAdder permitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicInteger waiting = new AtomicInteger();

    private RateLimiter(String name, RateLimiterConfig config, Clock clock, PermitBuckets factory) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.events = new EventPublisher(name, clock);
        this.bucket = factory.create(name, null, config);
        this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
    }

    public static RateLimiter of(String name, RateLimiterConfig config) {
        return of(name, config, Clock.system());
    }

    public static RateLimiter of(String name, RateLimiterConfig config, Clock clock) {
        return new RateLimiter(name, config, clock, PermitBuckets.local(clock));
    }

    /** A limiter whose buckets come from {@code buckets}: e.g. shared by every instance of a service. */
    public static RateLimiter of(String name, RateLimiterConfig config, Clock clock, PermitBuckets buckets) {
        return new RateLimiter(name, config, clock, buckets);
    }

    /**
     * Takes a permit for a call with {@code key} ({@code null}: the shared bucket) without waiting.
     *
     * @return whether a permit was taken (a rejection is counted and published)
     */
    public boolean tryAcquirePermission(Object key) {
        long result = bucketFor(key).acquire(0);
        if (result == 0) {
            onPermitted(0);
            return true;
        }
        if (result > 0) {
            bucketFor(key).refund(); // cannot happen with no wait allowed; kept exact all the same
        }
        onRejected(Math.max(1, -result));
        return false;
    }

    /** As {@link #tryAcquirePermission(Object)} on the shared bucket. */
    public boolean tryAcquirePermission() {
        return tryAcquirePermission(null);
    }

    /**
     * Takes a permit, or reserves one within the max wait.
     *
     * @return the nanoseconds to wait before using it (0: at once)
     * @throws RateLimitExceededException when no permit frees within the max wait
     */
    long acquire(PermitBucket from) {
        long result = from.acquire(maxWaitNanos);
        if (result >= 0) {
            onPermitted(result);
            return result;
        }
        throw onRejected(-result);
    }

    PermitBucket bucketFor(Object key) {
        if (key == null) {
            return bucket;
        }
        KeyedBuckets buckets = keyed;
        if (buckets == null) {
            synchronized (this) {
                buckets = keyed;
                if (buckets == null) {
                    buckets = new KeyedBuckets(name, config, factory, clock);
                    keyed = buckets;
                }
            }
        }
        return buckets.bucket(key);
    }

    private void onPermitted(long waitedNanos) {
        permitted.increment();
        if (events.isListening(EventType.RATE_LIMITER_PERMITTED)) {
            events.publish(EventType.RATE_LIMITER_PERMITTED, null, null, null,
                    waitedNanos > 0 ? Duration.ofNanos(waitedNanos) : null);
        }
    }

    private RateLimitExceededException onRejected(long retryAfterNanos) {
        rejected.increment();
        RateLimitExceededException rejection = new RateLimitExceededException(name, Duration.ofNanos(retryAfterNanos));
        if (events.isListening(EventType.RATE_LIMITER_REJECTED)) {
            events.publish(EventType.RATE_LIMITER_REJECTED, null, null, rejection, null);
        }
        return rejection;
    }

    void waitStarted() {
        waiting.incrementAndGet();
    }

    void waitEnded() {
        waiting.decrementAndGet();
    }

    public String name() {
        return name;
    }

    public RateLimiterConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public EventPublisher events() {
        return events;
    }

    /** Permits free now in the shared bucket. */
    public long availablePermits() {
        return bucket.availablePermits();
    }

    /** Calls waiting for a permit now. */
    public int waitingCalls() {
        return waiting.get();
    }

    /** Permits handed out since creation. */
    public long permittedCalls() {
        return permitted.sum();
    }

    /** Calls rejected since creation. */
    public long rejectedCalls() {
        return rejected.sum();
    }

    /** Keys with a bucket of their own now. */
    public int keys() {
        KeyedBuckets buckets = keyed;
        return buckets == null ? 0 : buckets.size();
    }

    /**
     * Back to how the limiter was built, for tests (resilience-test calls it between two tests): its bucket
     * full again (see {@link PermitBucket#resetToInitialState()}: a bucket shared on a distributed engine keeps
     * its state), no key with a bucket of its own, the counters at zero. Calls waiting for a reserved permit
     * keep their reservation.
     */
    public void resetToInitialState() {
        bucket.resetToInitialState();
        synchronized (this) {
            keyed = null;
        }
        permitted.reset();
        rejected.reset();
    }

    @Override
    public String toString() {
        return "RateLimiter[" + name + "]";
    }
}

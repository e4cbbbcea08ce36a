package dev.resilience.core.ratelimiter;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.Reconfigurable;
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
 * <p>A permit is one CAS on the bucket, or on the calling thread's share of it (see {@code StripedBucket}): no
 * lock, no allocation. Periods of a second or more are timed on the clock's coarse time.
 */
public final class RateLimiter implements Reconfigurable<RateLimiterConfig> {

    static {
        StageFactories.register(RateLimiter.class, new RateLimiterStages());
    }

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    private final PermitBuckets factory;
    /** The config in use with its buckets, replaced whole by {@link #reconfigure}. */
    private volatile Settings settings;
    /** Permits from buckets that do not count their own (a {@link StripedBucket} does). */
    private final LongAdder permitted = new LongAdder();
    /** Permits counted by striped buckets this limiter no longer uses (replaced by {@link #reconfigure}). */
    private final LongAdder retiredStripedPermits = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final AtomicInteger waiting = new AtomicInteger();

    private RateLimiter(String name, RateLimiterConfig config, Clock clock, PermitBuckets factory) {
        this.name = Validation.name(name);
        Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.events = new EventPublisher(name, clock);
        this.settings = new Settings(config, factory.create(name, null, config), null);
    }

    /**
     * A config with the buckets made from it. The keyed buckets are made on the first call with a key, and kept
     * with the shared bucket while the settings that shape buckets stay the same.
     */
    private static final class Settings {
        final RateLimiterConfig config;
        final PermitBucket bucket;
        final long maxWaitNanos;
        volatile KeyedBuckets keyed;

        Settings(RateLimiterConfig config, PermitBucket bucket, KeyedBuckets keyed) {
            this.config = config;
            this.bucket = bucket;
            this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
            this.keyed = keyed;
        }
    }

    /**
     * Uses {@code config} from the next permit on, keeping the counters and the calls waiting for a reserved
     * permit (each waits out its reservation). A new max wait or max number of keys applies to the buckets
     * as they are. A new limit, period or type makes new buckets: the shared one and each key's start again,
     * full, under the new limit (permits taken under the old one are not carried over). A cluster-scoped
     * limiter's buckets live on its engine: those settings, its scope, expected instances and engine-failure
     * mode cannot change while it runs ({@link #checkChange}). A {@link EventType#RATE_LIMITER_CONFIG_CHANGED}
     * event is published.
     *
     * @throws InvalidConfigException as {@link #checkChange}, changing nothing
     */
    @Override
    public synchronized void reconfigure(RateLimiterConfig config) {
        checkChange(config);
        Settings current = settings;
        if (sameBuckets(current.config, config)) {
            KeyedBuckets keyed = current.keyed;
            if (keyed != null) {
                keyed.maxKeys(config.maxKeys());
            }
            settings = new Settings(config, current.bucket, keyed);
        } else {
            settings = new Settings(config, factory.create(name, null, config), null);
            if (current.bucket instanceof StripedBucket striped) {
                retiredStripedPermits.add(striped.permitsHandedOut());
            }
        }
        events.publish(EventType.RATE_LIMITER_CONFIG_CHANGED, config.toString());
    }

    /**
     * Whether {@link #reconfigure} would take {@code config}.
     *
     * @throws InvalidConfigException naming the first setting that shapes the buckets of a cluster-scoped limiter
     *                                (or its scope) and differs in {@code config}
     */
    public void checkChange(RateLimiterConfig config) {
        RateLimiterConfig current = settings.config;
        if (current.scope() != RateLimiterScope.CLUSTER && config.scope() != RateLimiterScope.CLUSTER) {
            return;
        }
        unchanged("scope", current.scope(), config.scope());
        unchanged("limitForPeriod", current.limitForPeriod(), config.limitForPeriod());
        unchanged("limitRefreshPeriod", current.limitRefreshPeriod(), config.limitRefreshPeriod());
        unchanged("type", current.type(), config.type());
        unchanged("expectedInstances", current.expectedInstances(), config.expectedInstances());
        unchanged("onEngineFailure", current.onEngineFailure(), config.onEngineFailure());
    }

    private static void unchanged(String setting, Object current, Object next) {
        if (!current.equals(next)) {
            throw new InvalidConfigException(setting, next, n -> "unchanged while a cluster-scoped rate limiter runs "
                    + "(its engine holds the shared buckets; restart the application to change it)",
                    n -> "stay " + n.value(current) + " while a cluster-scoped rate limiter runs (its engine holds the "
                            + "shared buckets; restart the application to change it)");
        }
    }

    /** Whether buckets made from {@code a} and from {@code b} are alike (the max wait and keys aside). */
    private static boolean sameBuckets(RateLimiterConfig a, RateLimiterConfig b) {
        return a.limitForPeriod() == b.limitForPeriod() && a.limitRefreshPeriod().equals(b.limitRefreshPeriod())
                && a.type() == b.type() && a.scope() == b.scope() && a.expectedInstances() == b.expectedInstances()
                && a.onEngineFailure() == b.onEngineFailure();
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
        PermitBucket bucket = bucketFor(key);
        long result = bucket.acquire(0);
        if (result >= 0) { // with no wait allowed, 0: a bucket reserves nothing
            onPermitted(bucket, 0);
            return true;
        }
        onRejected(-result);
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
        long result = from.acquire(settings.maxWaitNanos);
        if (result >= 0) {
            onPermitted(from, result);
            return result;
        }
        throw onRejected(-result);
    }

    PermitBucket bucketFor(Object key) {
        Settings current = settings;
        if (key == null) {
            return current.bucket;
        }
        KeyedBuckets buckets = current.keyed;
        if (buckets == null) {
            synchronized (current) {
                buckets = current.keyed;
                if (buckets == null) {
                    buckets = new KeyedBuckets(name, current.config, factory, clock);
                    current.keyed = buckets;
                }
            }
        }
        return buckets.bucket(key);
    }

    private void onPermitted(PermitBucket from, long waitedNanos) {
        if (!(from instanceof StripedBucket)) {
            permitted.increment();
        }
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

    @Override
    public RateLimiterConfig config() {
        return settings.config;
    }

    public Clock clock() {
        return clock;
    }

    public EventPublisher events() {
        return events;
    }

    /** Permits free now in the shared bucket. */
    public long availablePermits() {
        return settings.bucket.availablePermits();
    }

    /** Calls waiting for a permit now. */
    public int waitingCalls() {
        return waiting.get();
    }

    /** Permits handed out since creation. */
    public long permittedCalls() {
        long striped = settings.bucket instanceof StripedBucket own ? own.permitsHandedOut() : 0;
        return permitted.sum() + retiredStripedPermits.sum() + striped;
    }

    /** Calls rejected since creation. */
    public long rejectedCalls() {
        return rejected.sum();
    }

    /** Keys with a bucket of their own now. */
    public int keys() {
        KeyedBuckets buckets = settings.keyed;
        return buckets == null ? 0 : buckets.size();
    }

    /**
     * Back to how the limiter was built, for tests (resilience-test calls it between two tests): its bucket
     * full again (see {@link PermitBucket#resetToInitialState()}: a bucket shared on a distributed engine keeps
     * its state), no key with a bucket of its own, the counters at zero. Calls waiting for a reserved permit
     * keep their reservation.
     */
    public void resetToInitialState() {
        Settings current = settings;
        current.bucket.resetToInitialState();
        synchronized (current) {
            current.keyed = null;
        }
        permitted.reset();
        retiredStripedPermits.reset();
        rejected.reset();
    }

    @Override
    public String toString() {
        return "RateLimiter[" + name + "]";
    }
}

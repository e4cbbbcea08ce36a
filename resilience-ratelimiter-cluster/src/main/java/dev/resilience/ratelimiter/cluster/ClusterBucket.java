package dev.resilience.ratelimiter.cluster;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.PermitBucket;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import io.github.bucket4j.BlockingStrategy;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.distributed.BucketProxy;

/**
 * One shared bucket (a limiter's own or one key's) on the engine, with its fallback while the engine is lost.
 * Every permit is one round trip to the engine; nothing here sleeps.
 */
final class ClusterBucket implements PermitBucket {

    private final ClusterPermitBuckets owner;
    private final EngineLink link;
    private final String name;
    private final String id;
    private final RateLimiterConfig config;
    private final BucketConfiguration bandwidth;
    private final long rejectNanos;
    private volatile BucketProxy remote;
    private volatile PermitBucket fallback;

    ClusterBucket(ClusterPermitBuckets owner, EngineLink link, String name, String id, RateLimiterConfig config,
            BucketConfiguration bandwidth) {
        this.owner = owner;
        this.link = link;
        this.name = name;
        this.id = id;
        this.config = config;
        this.bandwidth = bandwidth;
        this.rejectNanos = Math.max(1, config.limitRefreshPeriod().toNanos());
    }

    @Override
    public long acquire(long maxWaitNanos) {
        if (link.useEngine()) {
            try {
                long result = remoteAcquire(remote(), maxWaitNanos);
                link.succeeded();
                return result;
            } catch (RuntimeException engineFailed) {
                link.failed(engineFailed);
            }
        }
        PermitBucket local = fallback();
        return local == null ? -rejectNanos : local.acquire(maxWaitNanos);
    }

    /**
     * No wait allowed: one {@code tryConsumeAndReturnRemaining}. A wait allowed: one reservation, Bucket4j's
     * {@code tryConsume(1, maxWait)} handed a {@link BlockingStrategy} that records how long it would park
     * instead of parking: the permit is taken in the engine (its tokens go below zero) and the caller waits on
     * its own clock. Only when nothing frees within the wait does a second call ask how long until one does.
     */
    private static long remoteAcquire(BucketProxy bucket, long maxWaitNanos) {
        if (maxWaitNanos <= 0) {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            return probe.isConsumed() ? 0 : -Math.max(1, probe.getNanosToWaitForRefill());
        }
        Reservation reservation = new Reservation();
        boolean taken;
        try {
            taken = bucket.asBlocking().tryConsume(1, maxWaitNanos, reservation);
        } catch (InterruptedException cannotHappen) {
            // Reservation.park never throws it; keep the flag for whoever checks it.
            Thread.currentThread().interrupt();
            throw new IllegalStateException(cannotHappen);
        }
        if (taken) {
            return reservation.nanos;
        }
        EstimationProbe estimate = bucket.estimateAbilityToConsume(1);
        return -Math.max(1, estimate.canBeConsumed() ? 1 : estimate.getNanosToWaitForRefill());
    }

    /**
     * Back to the bucket that hands out permits now: the shared one, or the fallback while the engine is
     * lost (a reservation made on one and refunded after a switch goes to the other; the difference is one
     * permit).
     */
    @Override
    public void refund() {
        if (!link.isLost()) {
            try {
                remote().addTokens(1);
                return;
            } catch (RuntimeException engineFailed) {
                link.failed(engineFailed);
            }
        }
        PermitBucket local = fallback();
        if (local != null) {
            local.refund();
        }
    }

    @Override
    public long availablePermits() {
        if (!link.isLost()) {
            try {
                return Math.max(0, remote().getAvailableTokens());
            } catch (RuntimeException engineFailed) {
                link.failed(engineFailed);
            }
        }
        PermitBucket local = fallback();
        return local == null ? 0 : local.availablePermits();
    }

    private BucketProxy remote() {
        BucketProxy bucket = remote;
        if (bucket == null) {
            bucket = owner.remoteBucket(id, bandwidth); // throws while the engine cannot be reached
            remote = bucket;
        }
        return bucket;
    }

    /** The local bucket while the engine is lost ({@code null}: reject), made on first need. */
    private PermitBucket fallback() {
        if (config.onEngineFailure() == EngineFailureMode.REJECT) {
            return null;
        }
        PermitBucket local = fallback;
        if (local == null) {
            synchronized (this) {
                local = fallback;
                if (local == null) {
                    RateLimiterConfig share = RateLimiterConfig.from(config)
                            .limitForPeriod(EngineLink.fallbackLimit(config)).scope(RateLimiterScope.LOCAL).build();
                    local = PermitBuckets.local(owner.clock()).create(name, null, share);
                    fallback = local;
                }
            }
        }
        return local;
    }

    /** Records the wait Bucket4j would park for; parks nothing. */
    private static final class Reservation implements BlockingStrategy {
        long nanos;

        @Override
        public void park(long nanosToPark) {
            nanos = nanosToPark;
        }
    }
}

package dev.resilience.core.ratelimiter;

import dev.resilience.core.spi.Clock;

/**
 * Makes the buckets of a rate limiter: its own one, and one per key. The default makes local buckets; a
 * distributed engine (see the cluster module) makes buckets shared by every instance of a service.
 */
@FunctionalInterface
public interface PermitBuckets {

    /**
     * Local buckets of the config's type, on {@code clock}. A limiter's own bucket hands its permits out in
     * per-thread batches when its limit is large enough (see {@code StripedBucket}); a key's bucket does not, so
     * that thousands of keys cost a word each.
     */
    static PermitBuckets local(Clock clock) {
        return (name, key, config) -> key == null ? StripedBucket.forLimiter(config, clock)
                : LocalBucket.oneWord(config, clock);
    }

    /**
     * The bucket of limiter {@code name} for {@code key} ({@code null}: the limiter's own bucket).
     */
    PermitBucket create(String name, Object key, RateLimiterConfig config);
}

package dev.resilience.core.ratelimiter;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.spi.Clock;

/** Named {@link RateLimiter}s with inheriting configs. */
public class RateLimiterRegistry extends PolicyRegistry<RateLimiterConfig, RateLimiter> {

    /** A registry whose instances read {@code clock} and take permits from local buckets. */
    public RateLimiterRegistry(Clock clock) {
        this(clock, PermitBuckets.local(clock));
    }

    /** A registry whose instances take permits from the buckets {@code buckets} makes. */
    public RateLimiterRegistry(Clock clock, PermitBuckets buckets) {
        super(RateLimiterConfig.ofDefaults(), (name, config) -> RateLimiter.of(name, config, clock, buckets),
                RateLimiter::name);
    }

    /** A cluster-scoped limiter keeps the settings that shape its engine's buckets: see {@link RateLimiter#checkChange}. */
    @Override
    protected void checkChange(RateLimiter limiter, RateLimiterConfig config) {
        limiter.checkChange(config);
    }

    /** A registry on the system clock. */
    public RateLimiterRegistry() {
        this(Clock.system());
    }
}

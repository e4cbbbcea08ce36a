package dev.resilience.core.ratelimiter;

/**
 * Implemented by a call (the supplier or function given to the pipeline) that a rate limiter counts under its
 * own key: each key gets its own bucket with the limiter's settings, e.g. one per tenant. A call without a
 * key, or with a {@code null} one, takes from the limiter's shared bucket.
 */
@FunctionalInterface
public interface RateLimitKey {

    /** The key whose bucket this call takes its permit from; {@code null} for the shared bucket. */
    Object rateLimitKey();
}

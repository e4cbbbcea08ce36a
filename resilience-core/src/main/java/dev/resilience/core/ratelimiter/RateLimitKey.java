package dev.resilience.core.ratelimiter;

/**
 * Implemented by a call (or a call's argument) that a keyed rate limiter counts under its own key: each key
 * gets its own bucket with the limiter's settings, e.g. one per tenant. A call without a key, or with a
 * {@code null} one, takes from the limiter's shared bucket.
 */
@FunctionalInterface
public interface RateLimitKey {

    /** The key whose bucket this call takes its permit from; {@code null} for the shared bucket. */
    Object rateLimitKey();
}

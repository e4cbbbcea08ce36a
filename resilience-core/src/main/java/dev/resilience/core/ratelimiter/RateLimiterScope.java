package dev.resilience.core.ratelimiter;

/** Whose calls a rate limiter counts. */
public enum RateLimiterScope {
    /** This process's calls only: each instance of a service has the whole limit. */
    LOCAL,
    /** Every instance's calls, in one bucket shared on a distributed engine (Hazelcast, Redis). */
    CLUSTER
}

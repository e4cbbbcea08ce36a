package dev.resilience.core.ratelimiter;

/** What a cluster-wide rate limiter does while its distributed engine cannot be reached. */
public enum EngineFailureMode {
    /** Limit locally to {@code limitForPeriod / expectedInstances}, so the fleet stays near the limit. */
    LOCAL,
    /** Reject every call until the engine is back. */
    REJECT
}

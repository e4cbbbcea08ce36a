package dev.resilience.core.ratelimiter;

/** How a rate limiter hands out its permits. */
public enum RateLimiterType {
    /**
     * A token bucket that refills continuously, one permit every period / limit, and holds at most the limit:
     * bursts up to the limit, then an even pace.
     */
    SMOOTH,
    /** The limit per fixed window of one period, all of it usable at the window's start. */
    FIXED_WINDOW
}

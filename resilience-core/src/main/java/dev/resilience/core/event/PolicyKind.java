package dev.resilience.core.event;

import java.util.Locale;

/** The kinds of policy; {@link #id()} is the lower-case name used in events, endpoints and metrics. */
public enum PolicyKind {
    CIRCUIT_BREAKER("circuitbreaker"),
    RETRY("retry"),
    TIMEOUT("timeout"),
    BULKHEAD("bulkhead"),
    RATE_LIMITER("ratelimiter"),
    CHAOS("chaos"),
    FALLBACK("fallback"),
    HEDGE("hedge");

    private final String id;

    PolicyKind(String id) {
        this.id = id;
    }

    /**
     * {@code circuitbreaker}, {@code retry}, {@code timeout}, {@code bulkhead}, {@code ratelimiter} or
     * {@code fallback}.
     */
    public String id() {
        return id;
    }

    /** The kind whose {@link #id()} is {@code id}, ignoring case. */
    public static PolicyKind fromId(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        for (PolicyKind kind : values()) {
            if (kind.id.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown policy '" + id + "'; expected one of circuitbreaker, retry, "
                + "timeout, bulkhead, ratelimiter, chaos, fallback, hedge");
    }
}

package dev.resilience.core.ratelimiter;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.notNegative;
import static dev.resilience.core.internal.Validation.positive;

import java.time.Duration;
import java.util.Objects;

import dev.resilience.core.InvalidConfigException;

/** Immutable, validated settings of a {@link RateLimiter}. Build with {@link #builder()}. */
public final class RateLimiterConfig {

    /**
     * The most permits per period a limiter hands out: a fixed window's state packs its count in 32 bits, room
     * for the limit and reservations of the next windows.
     */
    public static final int MAX_LIMIT_FOR_PERIOD = 1_000_000_000;

    private static final RateLimiterConfig DEFAULTS = builder().build();

    private final int limitForPeriod;
    private final Duration limitRefreshPeriod;
    private final RateLimiterType type;
    private final Duration maxWaitDuration;
    private final int maxKeys;
    private final RateLimiterScope scope;
    private final int expectedInstances;
    private final EngineFailureMode onEngineFailure;

    private RateLimiterConfig(Builder b) {
        this.limitForPeriod = b.limitForPeriod;
        this.limitRefreshPeriod = b.limitRefreshPeriod;
        this.type = b.type;
        this.maxWaitDuration = b.maxWaitDuration;
        this.maxKeys = b.maxKeys;
        this.scope = b.scope;
        this.expectedInstances = b.expectedInstances;
        this.onEngineFailure = b.onEngineFailure;
    }

    /** The built-in defaults: 50 permits per second, smooth, no waiting, 10,000 keys. */
    public static RateLimiterConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(RateLimiterConfig base) {
        return new Builder().limitForPeriod(base.limitForPeriod).limitRefreshPeriod(base.limitRefreshPeriod)
                .type(base.type).maxWaitDuration(base.maxWaitDuration).maxKeys(base.maxKeys).scope(base.scope)
                .expectedInstances(base.expectedInstances).onEngineFailure(base.onEngineFailure);
    }

    /** Permits per {@link #limitRefreshPeriod()}. */
    public int limitForPeriod() {
        return limitForPeriod;
    }

    public Duration limitRefreshPeriod() {
        return limitRefreshPeriod;
    }

    public RateLimiterType type() {
        return type;
    }

    /** How long a call may wait for a permit; zero rejects at once. */
    public Duration maxWaitDuration() {
        return maxWaitDuration;
    }

    /** How many keys a keyed limiter keeps buckets for; the least recently used go first. */
    public int maxKeys() {
        return maxKeys;
    }

    /** Whether the limit is this process's or shared by every instance of the service. */
    public RateLimiterScope scope() {
        return scope;
    }

    /**
     * How many instances of the service share a cluster-wide limit: while the engine is unreachable, each
     * limits locally to {@code limitForPeriod / expectedInstances}.
     */
    public int expectedInstances() {
        return expectedInstances;
    }

    /** What a cluster-wide limiter does while its engine is unreachable. */
    public EngineFailureMode onEngineFailure() {
        return onEngineFailure;
    }

    /**
     * Whether {@code other} holds the same settings: a registry leaves an instance alone when its new config
     * equals the one in use.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RateLimiterConfig that)) {
            return false;
        }
        return Objects.equals(limitForPeriod, that.limitForPeriod)
                && Objects.equals(limitRefreshPeriod, that.limitRefreshPeriod)
                && Objects.equals(type, that.type)
                && Objects.equals(maxWaitDuration, that.maxWaitDuration)
                && Objects.equals(maxKeys, that.maxKeys)
                && Objects.equals(scope, that.scope)
                && Objects.equals(expectedInstances, that.expectedInstances)
                && Objects.equals(onEngineFailure, that.onEngineFailure);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limitForPeriod, limitRefreshPeriod, type, maxWaitDuration, maxKeys, scope, expectedInstances, onEngineFailure);
    }

    @Override
    public String toString() {
        return "RateLimiterConfig[limitForPeriod=" + limitForPeriod + ", limitRefreshPeriod=" + limitRefreshPeriod
                + ", type=" + type + ", maxWaitDuration=" + maxWaitDuration + ", maxKeys=" + maxKeys + ", scope="
                + scope + ", expectedInstances=" + expectedInstances + ", onEngineFailure=" + onEngineFailure + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private int limitForPeriod = 50;
        private Duration limitRefreshPeriod = Duration.ofSeconds(1);
        private RateLimiterType type = RateLimiterType.SMOOTH;
        private Duration maxWaitDuration = Duration.ZERO;
        private int maxKeys = 10_000;
        private RateLimiterScope scope = RateLimiterScope.LOCAL;
        private int expectedInstances = 1;
        private EngineFailureMode onEngineFailure = EngineFailureMode.LOCAL;

        private Builder() {
        }

        public Builder scope(RateLimiterScope scope) {
            this.scope = scope;
            return this;
        }

        public Builder expectedInstances(int instances) {
            this.expectedInstances = instances;
            return this;
        }

        public Builder onEngineFailure(EngineFailureMode mode) {
            this.onEngineFailure = mode;
            return this;
        }

        public Builder limitForPeriod(int limit) {
            this.limitForPeriod = limit;
            return this;
        }

        public Builder limitRefreshPeriod(Duration period) {
            this.limitRefreshPeriod = period;
            return this;
        }

        public Builder type(RateLimiterType type) {
            this.type = type;
            return this;
        }

        public Builder maxWaitDuration(Duration wait) {
            this.maxWaitDuration = wait;
            return this;
        }

        public Builder maxKeys(int keys) {
            this.maxKeys = keys;
            return this;
        }

        /** @throws InvalidConfigException naming the first invalid setting, its value and what is allowed */
        public RateLimiterConfig build() {
            atLeast("limitForPeriod", limitForPeriod, 1);
            if (limitForPeriod > MAX_LIMIT_FOR_PERIOD) {
                throw new InvalidConfigException("limitForPeriod", limitForPeriod,
                        "at most " + MAX_LIMIT_FOR_PERIOD + " (use a shorter period for more)");
            }
            positive("limitRefreshPeriod", limitRefreshPeriod);
            if (type == null) {
                throw new InvalidConfigException("type", null, "smooth or fixed-window");
            }
            notNegative("maxWaitDuration", maxWaitDuration);
            atLeast("maxKeys", maxKeys, 1);
            if (scope == null) {
                throw new InvalidConfigException("scope", null, "local or cluster");
            }
            atLeast("expectedInstances", expectedInstances, 1);
            if (onEngineFailure == null) {
                throw new InvalidConfigException("onEngineFailure", null, "local or reject");
            }
            return new RateLimiterConfig(this);
        }
    }
}

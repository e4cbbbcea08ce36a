package dev.resilience.spring.autoconfigure;

import java.time.Duration;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.ratelimiter.RateLimiterType;

/** {@code resilience.ratelimiter.*}. */
public class RateLimiterProperties extends PolicyProperties<RateLimiterProperties.Settings> {

    /** Settings of one rate limiter config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** Permits handed out per limit-refresh-period, at most 1000000000. Default 50. */
        private Integer limitForPeriod;

        /** The period limit-for-period applies to. Default 1s. */
        private Duration limitRefreshPeriod;

        /**
         * How permits are handed out: smooth (a token bucket refilling one permit every period / limit, bursts
         * up to the limit) or fixed-window (the whole limit at the start of each period). Default smooth.
         */
        private RateLimiterType type;

        /**
         * How long a call may wait for a permit; 0 rejects at once with RateLimitExceededException. A synchronous
         * method waits on its thread, an asynchronous or reactive one on the clock without a thread. Default 0.
         */
        private Duration maxWaitDuration;

        /**
         * How many keys a keyed limiter (@RateLimiter(key = ...)) keeps a bucket for; the least recently used
         * are dropped first. Default 10000.
         */
        private Integer maxKeys;

        /**
         * Whose calls are counted: local (this instance's; each instance of the service has the whole limit) or
         * cluster (every instance's, in buckets shared on Hazelcast or Redis; needs such a client bean in the
         * application). Default local.
         */
        private RateLimiterScope scope;

        /**
         * With scope cluster: how many instances share the limit. While the shared buckets cannot be reached,
         * each instance limits itself to limit-for-period / expected-instances. Default 1.
         */
        private Integer expectedInstances;

        /**
         * With scope cluster: what to do while the shared buckets cannot be reached: local (limit locally to
         * limit-for-period / expected-instances) or reject (reject every call). Default local.
         */
        private EngineFailureMode onEngineFailure;

        public Integer getLimitForPeriod() {
            return limitForPeriod;
        }

        public void setLimitForPeriod(Integer limitForPeriod) {
            this.limitForPeriod = limitForPeriod;
        }

        public Duration getLimitRefreshPeriod() {
            return limitRefreshPeriod;
        }

        public void setLimitRefreshPeriod(Duration limitRefreshPeriod) {
            this.limitRefreshPeriod = limitRefreshPeriod;
        }

        public RateLimiterType getType() {
            return type;
        }

        public void setType(RateLimiterType type) {
            this.type = type;
        }

        public Duration getMaxWaitDuration() {
            return maxWaitDuration;
        }

        public void setMaxWaitDuration(Duration maxWaitDuration) {
            this.maxWaitDuration = maxWaitDuration;
        }

        public Integer getMaxKeys() {
            return maxKeys;
        }

        public void setMaxKeys(Integer maxKeys) {
            this.maxKeys = maxKeys;
        }

        public RateLimiterScope getScope() {
            return scope;
        }

        public void setScope(RateLimiterScope scope) {
            this.scope = scope;
        }

        public Integer getExpectedInstances() {
            return expectedInstances;
        }

        public void setExpectedInstances(Integer expectedInstances) {
            this.expectedInstances = expectedInstances;
        }

        public EngineFailureMode getOnEngineFailure() {
            return onEngineFailure;
        }

        public void setOnEngineFailure(EngineFailureMode onEngineFailure) {
            this.onEngineFailure = onEngineFailure;
        }
    }
}

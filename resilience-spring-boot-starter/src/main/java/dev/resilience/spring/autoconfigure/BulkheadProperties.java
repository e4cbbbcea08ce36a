package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.resilience.core.bulkhead.BulkheadConfig;

/** {@code resilience.bulkhead.*}. */
public class BulkheadProperties extends PolicyProperties<BulkheadProperties.Settings> {

    /** Settings of one bulkhead config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /**
         * fixed: the limit is max-concurrent-calls; adaptive: the limit is found from measured latency, between
         * min-concurrent-calls and max-concurrent-calls. Default fixed.
         */
        private BulkheadConfig.Type type;

        /** Calls allowed inside at once; for an adaptive bulkhead the ceiling of its limit. Default 25 (adaptive: 200). */
        private Integer maxConcurrentCalls;

        /** Adaptive: the floor of the limit. Default 1. */
        private Integer minConcurrentCalls;

        /** Adaptive: the limit before anything is measured. Default 20 (within min and max). */
        private Integer initialConcurrentCalls;

        /** Adaptive: the limit grows while fewer than alpha x log10(limit) calls seem queued downstream. Default 3. */
        private Double alpha;

        /** Adaptive: the limit shrinks while more than beta x log10(limit) calls seem queued downstream. Default 6. */
        private Double beta;

        /** Adaptive: the limit is multiplied by this when calls time out or the downstream rejects. Default 0.9. */
        private Double backoffRatio;

        /** Adaptive: how long a measured minimum latency stays the baseline before it is measured again. Default 60s. */
        private Duration baselineWindow;

        /**
         * Adaptive: exception types (fully qualified names) that say the downstream is overloaded, besides timeouts,
         * interrupted I/O, BulkheadFullException and HTTP 429/503 of the HTTP integration.
         */
        private List<String> overloadExceptions;

        /** How long a call waits for a permit; 0 fails fast with BulkheadFullException. Default 0. */
        private Duration maxWaitDuration;

        public BulkheadConfig.Type getType() {
            return type;
        }

        public void setType(BulkheadConfig.Type type) {
            this.type = type;
        }

        public Integer getMinConcurrentCalls() {
            return minConcurrentCalls;
        }

        public void setMinConcurrentCalls(Integer minConcurrentCalls) {
            this.minConcurrentCalls = minConcurrentCalls;
        }

        public Integer getInitialConcurrentCalls() {
            return initialConcurrentCalls;
        }

        public void setInitialConcurrentCalls(Integer initialConcurrentCalls) {
            this.initialConcurrentCalls = initialConcurrentCalls;
        }

        public Double getAlpha() {
            return alpha;
        }

        public void setAlpha(Double alpha) {
            this.alpha = alpha;
        }

        public Double getBeta() {
            return beta;
        }

        public void setBeta(Double beta) {
            this.beta = beta;
        }

        public Double getBackoffRatio() {
            return backoffRatio;
        }

        public void setBackoffRatio(Double backoffRatio) {
            this.backoffRatio = backoffRatio;
        }

        public Duration getBaselineWindow() {
            return baselineWindow;
        }

        public void setBaselineWindow(Duration baselineWindow) {
            this.baselineWindow = baselineWindow;
        }

        public List<String> getOverloadExceptions() {
            return overloadExceptions;
        }

        public void setOverloadExceptions(List<String> overloadExceptions) {
            this.overloadExceptions = overloadExceptions;
        }

        public Integer getMaxConcurrentCalls() {
            return maxConcurrentCalls;
        }

        public void setMaxConcurrentCalls(Integer maxConcurrentCalls) {
            this.maxConcurrentCalls = maxConcurrentCalls;
        }

        public Duration getMaxWaitDuration() {
            return maxWaitDuration;
        }

        public void setMaxWaitDuration(Duration maxWaitDuration) {
            this.maxWaitDuration = maxWaitDuration;
        }
    }
}

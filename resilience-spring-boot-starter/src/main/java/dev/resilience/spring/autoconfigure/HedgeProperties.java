package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/** {@code resilience.hedge.*}. */
public class HedgeProperties extends PolicyProperties<HedgeProperties.Settings> {

    /** Settings of one hedge config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** How many extra attempts a call may get, one per delay while none has won. Default 1. */
        private Integer maxHedges;

        /**
         * How long a call may run before an extra attempt starts: a duration (100ms) or a percentile of the
         * latency of recent attempts (p95, p99.9). Default p95.
         */
        private String delay;

        /** The delay while a percentile delay has fewer than 50 calls measured. Default 1s. */
        private Duration delayFallback;

        /**
         * Class name of a java.util.function.Predicate (public no-argument constructor) that says which
         * successful results win and cancel the other attempts. Default: every successful result.
         */
        private String cancelOnResult;

        public Integer getMaxHedges() {
            return maxHedges;
        }

        public void setMaxHedges(Integer maxHedges) {
            this.maxHedges = maxHedges;
        }

        public String getDelay() {
            return delay;
        }

        public void setDelay(String delay) {
            this.delay = delay;
        }

        public Duration getDelayFallback() {
            return delayFallback;
        }

        public void setDelayFallback(Duration delayFallback) {
            this.delayFallback = delayFallback;
        }

        public String getCancelOnResult() {
            return cancelOnResult;
        }

        public void setCancelOnResult(String cancelOnResult) {
            this.cancelOnResult = cancelOnResult;
        }
    }
}

package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code resilience.retry.*}. */
public class RetryProperties extends PolicyProperties<RetryProperties.Settings> {

    /**
     * Retry budgets by name: each bounds the retries of every retry config or instance that names it in
     * budget, as a share of their first attempts. One budget object is shared by all of them.
     */
    private final Map<String, Budget> budgets = new LinkedHashMap<>();

    public Map<String, Budget> getBudgets() {
        return budgets;
    }

    /** {@code resilience.retry.budgets.<name>.*}: one retry budget; unset values are the defaults. */
    public static class Budget {

        /**
         * The most retries as a share of first attempts over the window: 0.2 allows one retry for every five
         * calls. At least 0. Default 0.2.
         */
        private Double maxRetryRatio;

        /** The sliding window retries and first attempts are counted over, at least 10ms. Default 10s. */
        private Duration window;

        /** Retries per second always allowed, whatever the ratio, so a quiet service can still retry. Default 10. */
        private Double minRetriesPerSecond;

        public Double getMaxRetryRatio() {
            return maxRetryRatio;
        }

        public void setMaxRetryRatio(Double maxRetryRatio) {
            this.maxRetryRatio = maxRetryRatio;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public Double getMinRetriesPerSecond() {
            return minRetriesPerSecond;
        }

        public void setMinRetriesPerSecond(Double minRetriesPerSecond) {
            this.minRetriesPerSecond = minRetriesPerSecond;
        }
    }

    /** Settings of one retry config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** Attempts in total, the first included. Default 3. */
        private Integer maxAttempts;

        /** Wait before the first retry. Default 500ms. */
        private Duration waitDuration;

        /** Each wait is the previous one times this; above 1.0 backs off exponentially. Default 1.0. */
        private Double backoffMultiplier;

        /** Cap of any single wait, Retry-After hints included. Default 30s. */
        private Duration maxWaitDuration;

        /** Random spread of each wait as a fraction from 0 to 1: 0.5 spreads waits by ±50%. Default 0. */
        private Double jitter;

        /** Total time budget across attempts and waits; 0 means unbounded. Default 0. */
        private Duration maxDuration;

        /** Exception types retried (fully qualified names; subclasses match). Default: every exception. */
        private List<String> retryExceptions;

        /** Exception types never retried; wins over retry-exceptions. Default: none. */
        private List<String> ignoreExceptions;

        /**
         * The retry budget (a name under resilience.retry.budgets) this retry takes its retries from, shared
         * with every other retry naming it; empty for none (to leave an inherited one). Default: none.
         */
        private String budget;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getWaitDuration() {
            return waitDuration;
        }

        public void setWaitDuration(Duration waitDuration) {
            this.waitDuration = waitDuration;
        }

        public Double getBackoffMultiplier() {
            return backoffMultiplier;
        }

        public void setBackoffMultiplier(Double backoffMultiplier) {
            this.backoffMultiplier = backoffMultiplier;
        }

        public Duration getMaxWaitDuration() {
            return maxWaitDuration;
        }

        public void setMaxWaitDuration(Duration maxWaitDuration) {
            this.maxWaitDuration = maxWaitDuration;
        }

        public Double getJitter() {
            return jitter;
        }

        public void setJitter(Double jitter) {
            this.jitter = jitter;
        }

        public Duration getMaxDuration() {
            return maxDuration;
        }

        public void setMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
        }

        public List<String> getRetryExceptions() {
            return retryExceptions;
        }

        public void setRetryExceptions(List<String> retryExceptions) {
            this.retryExceptions = retryExceptions;
        }

        public List<String> getIgnoreExceptions() {
            return ignoreExceptions;
        }

        public void setIgnoreExceptions(List<String> ignoreExceptions) {
            this.ignoreExceptions = ignoreExceptions;
        }

        public String getBudget() {
            return budget;
        }

        public void setBudget(String budget) {
            this.budget = budget;
        }
    }
}

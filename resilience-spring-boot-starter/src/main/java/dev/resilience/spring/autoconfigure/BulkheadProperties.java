package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/** {@code resilience.bulkhead.*}. */
public class BulkheadProperties extends PolicyProperties<BulkheadProperties.Settings> {

    /** Settings of one bulkhead config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** Calls allowed inside at once. Default 25. */
        private Integer maxConcurrentCalls;

        /** How long a call waits for a permit; 0 fails fast with BulkheadFullException. Default 0. */
        private Duration maxWaitDuration;

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

package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/** {@code resilience.timeout.*}. */
public class TimeoutProperties extends PolicyProperties<TimeoutProperties.Settings> {

    /** Settings of one timeout config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** How long a call may take. Default 1s. */
        private Duration duration;

        /**
         * Whether an asynchronous method's own future is cancelled when the deadline passes. Default false:
         * cancelling a CompletableFuture stops no work, so the call keeps its bulkhead place until its future
         * completes. Set true for futures whose cancellation really stops the work (the JDK HttpClient's).
         */
        private Boolean cancelRunningFuture;

        public Boolean getCancelRunningFuture() {
            return cancelRunningFuture;
        }

        public void setCancelRunningFuture(Boolean cancelRunningFuture) {
            this.cancelRunningFuture = cancelRunningFuture;
        }

        public Duration getDuration() {
            return duration;
        }

        public void setDuration(Duration duration) {
            this.duration = duration;
        }
    }
}

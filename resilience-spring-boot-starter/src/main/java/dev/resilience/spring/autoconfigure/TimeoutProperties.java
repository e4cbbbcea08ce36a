package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/** {@code resilience.timeout.*}. */
public class TimeoutProperties extends PolicyProperties<TimeoutProperties.Settings> {

    /** Settings of one timeout config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** How long a call may take. Default 1s. */
        private Duration duration;

        public Duration getDuration() {
            return duration;
        }

        public void setDuration(Duration duration) {
            this.duration = duration;
        }
    }
}

package dev.resilience.core.timeout;

import static dev.resilience.core.internal.Validation.positive;

import java.time.Duration;
import java.util.Objects;

/** Immutable, validated settings of a {@link Timeout}. Build with {@link #builder()}. */
public final class TimeoutConfig {

    private static final TimeoutConfig DEFAULTS = builder().build();

    private final Duration duration;
    private final boolean cancelRunningFuture;

    private TimeoutConfig(Builder b) {
        this.duration = b.duration;
        this.cancelRunningFuture = b.cancelRunningFuture;
    }

    /** The built-in defaults: one second. */
    public static TimeoutConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A config with the given duration. */
    public static TimeoutConfig of(Duration duration) {
        return builder().duration(duration).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Builder from(TimeoutConfig base) {
        return new Builder().duration(base.duration).cancelRunningFuture(base.cancelRunningFuture);
    }

    /** How long a call may take. */
    public Duration duration() {
        return duration;
    }

    /**
     * Whether an asynchronous call's own future is cancelled when its deadline passes (default {@code false}).
     * Cancelling a {@code CompletableFuture} stops no work, it only hides it; left alone, the call keeps its
     * bulkhead place until its future completes. Set it for futures whose cancellation really stops the work
     * (the JDK {@code HttpClient}'s); the place is then freed at the cancellation.
     */
    public boolean cancelRunningFuture() {
        return cancelRunningFuture;
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
        if (!(other instanceof TimeoutConfig that)) {
            return false;
        }
        return Objects.equals(duration, that.duration)
                && Objects.equals(cancelRunningFuture, that.cancelRunningFuture);
    }

    @Override
    public int hashCode() {
        return Objects.hash(duration, cancelRunningFuture);
    }

    @Override
    public String toString() {
        return "TimeoutConfig[duration=" + duration + ", cancelRunningFuture=" + cancelRunningFuture + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private Duration duration = Duration.ofSeconds(1);
        private boolean cancelRunningFuture = false;

        private Builder() {
        }

        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        public Builder cancelRunningFuture(boolean cancel) {
            this.cancelRunningFuture = cancel;
            return this;
        }

        /**
         * @throws dev.resilience.core.InvalidConfigException naming the first invalid setting, its value and what
         *                                                    is allowed
         */
        public TimeoutConfig build() {
            positive("duration", duration);
            return new TimeoutConfig(this);
        }
    }
}

package dev.resilience.core.retry;

import static dev.resilience.core.internal.Validation.positive;

import java.time.Duration;
import java.util.Objects;

import dev.resilience.core.InvalidConfigException;

/**
 * Settings of a {@link RetryBudget}: retries may be at most {@code maxRetryRatio} of the first attempts over
 * the last {@code window}, and {@code minRetriesPerSecond} are always allowed.
 */
public final class RetryBudgetConfig {

    private final double maxRetryRatio;
    private final Duration window;
    private final double minRetriesPerSecond;

    private RetryBudgetConfig(Builder b) {
        this.maxRetryRatio = b.maxRetryRatio;
        this.window = b.window;
        this.minRetriesPerSecond = b.minRetriesPerSecond;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The built-in defaults: 20% over 10 s, at least 10 retries per second. */
    public static RetryBudgetConfig ofDefaults() {
        return builder().build();
    }

    public double maxRetryRatio() {
        return maxRetryRatio;
    }

    public Duration window() {
        return window;
    }

    public double minRetriesPerSecond() {
        return minRetriesPerSecond;
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
        if (!(other instanceof RetryBudgetConfig that)) {
            return false;
        }
        return Objects.equals(maxRetryRatio, that.maxRetryRatio)
                && Objects.equals(window, that.window)
                && Objects.equals(minRetriesPerSecond, that.minRetriesPerSecond);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetryRatio, window, minRetriesPerSecond);
    }

    @Override
    public String toString() {
        return "RetryBudgetConfig[maxRetryRatio=" + maxRetryRatio + ", window=" + window + ", minRetriesPerSecond="
                + minRetriesPerSecond + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private double maxRetryRatio = 0.2;
        private Duration window = Duration.ofSeconds(10);
        private double minRetriesPerSecond = 10;

        private Builder() {
        }

        public Builder maxRetryRatio(double ratio) {
            this.maxRetryRatio = ratio;
            return this;
        }

        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        public Builder minRetriesPerSecond(double retries) {
            this.minRetriesPerSecond = retries;
            return this;
        }

        /** @throws InvalidConfigException naming the first invalid setting */
        public RetryBudgetConfig build() {
            if (!(maxRetryRatio >= 0) || Double.isInfinite(maxRetryRatio)) {
                throw new InvalidConfigException("maxRetryRatio", maxRetryRatio,
                        "a ratio of at least 0 (0.2: retries at most 20% of first attempts)");
            }
            positive("window", window);
            if (window.toMillis() < 10) {
                throw new InvalidConfigException("window", window, "at least 10ms");
            }
            if (!(minRetriesPerSecond >= 0) || Double.isInfinite(minRetriesPerSecond)) {
                throw new InvalidConfigException("minRetriesPerSecond", minRetriesPerSecond, "at least 0");
            }
            return new RetryBudgetConfig(this);
        }
    }
}

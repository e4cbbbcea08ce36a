package dev.resilience.core.retry;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.atLeastOne;
import static dev.resilience.core.internal.Validation.between;
import static dev.resilience.core.internal.Validation.noNulls;
import static dev.resilience.core.internal.Validation.notNegative;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.Objects;

import dev.resilience.core.ExceptionFilter;
import dev.resilience.core.InvalidConfigException;

/** Immutable, validated settings of a {@link Retry}. Build with {@link #builder()}. */
public final class RetryConfig {

    private static final RetryConfig DEFAULTS = builder().build();

    private final int maxAttempts;
    private final Duration waitDuration;
    private final double backoffMultiplier;
    private final Duration maxWaitDuration;
    private final double jitter;
    private final Duration maxDuration;
    private final ExceptionFilter retriedFailures;
    private final Predicate<Object> retryOnResult;
    private final RetryBudget budget;

    private RetryConfig(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.waitDuration = b.waitDuration;
        this.backoffMultiplier = b.backoffMultiplier;
        this.maxWaitDuration = b.maxWaitDuration;
        this.jitter = b.jitter;
        this.maxDuration = b.maxDuration;
        this.retriedFailures = ExceptionFilter.of(b.retryExceptions, b.ignoreExceptions);
        this.retryOnResult = b.retryOnResult;
        this.budget = b.budget;
    }

    /** The built-in defaults: 3 attempts, 500ms apart. */
    public static RetryConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(RetryConfig base) {
        return new Builder(base);
    }

    /** Attempts in total, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Wait before the first retry. */
    public Duration waitDuration() {
        return waitDuration;
    }

    /** Each wait is the previous one times this; 1.0 keeps waits equal. */
    public double backoffMultiplier() {
        return backoffMultiplier;
    }

    /** Cap of any single wait, Retry-After hints included. */
    public Duration maxWaitDuration() {
        return maxWaitDuration;
    }

    /** Spread of each wait: 0.5 makes it anywhere within ±50%. */
    public double jitter() {
        return jitter;
    }

    /** Total time budget across attempts and waits; zero means unbounded. */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** Types retried; empty means every type. */
    public List<Class<? extends Throwable>> retryExceptions() {
        return retriedFailures.included();
    }

    /** Types never retried; wins over {@link #retryExceptions()}. */
    public List<Class<? extends Throwable>> ignoreExceptions() {
        return retriedFailures.excluded();
    }

    /** Which failures are retried: retry and ignore lists combined. */
    public ExceptionFilter retriedFailures() {
        return retriedFailures;
    }

    /** Returned values that are not acceptable and are retried, or {@code null}. */
    public Predicate<Object> retryOnResult() {
        return retryOnResult;
    }

    /** The retry budget this retry takes its retries from, or {@code null}: retries limited by attempts only. */
    public RetryBudget budget() {
        return budget;
    }

    /**
     * Whether {@code other} holds the same settings: a registry leaves an instance alone when its new config
     * equals the one in use. The {@code retryOnResult} and {@code budget} are compared by identity.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof RetryConfig that)) {
            return false;
        }
        return Objects.equals(maxAttempts, that.maxAttempts)
                && Objects.equals(waitDuration, that.waitDuration)
                && Objects.equals(backoffMultiplier, that.backoffMultiplier)
                && Objects.equals(maxWaitDuration, that.maxWaitDuration)
                && Objects.equals(jitter, that.jitter)
                && Objects.equals(maxDuration, that.maxDuration)
                && Objects.equals(retriedFailures, that.retriedFailures)
                && retryOnResult == that.retryOnResult
                && budget == that.budget;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxAttempts, waitDuration, backoffMultiplier, maxWaitDuration, jitter, maxDuration, retriedFailures);
    }

    @Override
    public String toString() {
        return "RetryConfig[maxAttempts=" + maxAttempts + ", waitDuration=" + waitDuration + ", backoffMultiplier="
                + backoffMultiplier + ", maxWaitDuration=" + maxWaitDuration + ", jitter=" + jitter
                + ", maxDuration=" + maxDuration + ", retryExceptions=" + retryExceptions() + ", ignoreExceptions="
                + ignoreExceptions() + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration waitDuration = Duration.ofMillis(500);
        private double backoffMultiplier = 1.0;
        private Duration maxWaitDuration = Duration.ofSeconds(30);
        private double jitter = 0.0;
        private Duration maxDuration = Duration.ZERO;
        private List<Class<? extends Throwable>> retryExceptions = new ArrayList<>();
        private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();
        private Predicate<Object> retryOnResult;
        private RetryBudget budget;

        private Builder() {
        }

        private Builder(RetryConfig base) {
            this.maxAttempts = base.maxAttempts;
            this.waitDuration = base.waitDuration;
            this.backoffMultiplier = base.backoffMultiplier;
            this.maxWaitDuration = base.maxWaitDuration;
            this.jitter = base.jitter;
            this.maxDuration = base.maxDuration;
            this.retryExceptions = new ArrayList<>(base.retryExceptions());
            this.ignoreExceptions = new ArrayList<>(base.ignoreExceptions());
            this.retryOnResult = base.retryOnResult;
            this.budget = base.budget;
        }

        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        public Builder waitDuration(Duration wait) {
            this.waitDuration = wait;
            return this;
        }

        public Builder backoffMultiplier(double multiplier) {
            this.backoffMultiplier = multiplier;
            return this;
        }

        public Builder maxWaitDuration(Duration maxWait) {
            this.maxWaitDuration = maxWait;
            return this;
        }

        public Builder jitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
            return this;
        }

        /** Only these types (and subclasses) are retried; replaces the list. Empty: every type. */
        @SafeVarargs
        public final Builder retryExceptions(Class<? extends Throwable>... types) {
            return retryExceptions(types == null ? null : Arrays.asList(types));
        }

        /** Only these types (and subclasses) are retried; replaces the list. Empty: every type. */
        public Builder retryExceptions(List<Class<? extends Throwable>> types) {
            this.retryExceptions = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** These types (and subclasses) are never retried; replaces the list. */
        @SafeVarargs
        public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
            return ignoreExceptions(types == null ? null : Arrays.asList(types));
        }

        /** These types (and subclasses) are never retried; replaces the list. */
        public Builder ignoreExceptions(List<Class<? extends Throwable>> types) {
            this.ignoreExceptions = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** Takes retries from {@code budget}, shared with other retries; {@code null} for none. */
        public Builder budget(RetryBudget budget) {
            this.budget = budget;
            return this;
        }

        /** Retry while {@code predicate} says a returned value is not acceptable. */
        public Builder retryOnResult(Predicate<Object> predicate) {
            this.retryOnResult = predicate;
            return this;
        }

        /** @throws InvalidConfigException naming the first invalid setting, its value and what is allowed */
        public RetryConfig build() {
            atLeast("maxAttempts", maxAttempts, 1);
            notNegative("waitDuration", waitDuration);
            atLeastOne("backoffMultiplier", backoffMultiplier);
            notNegative("maxWaitDuration", maxWaitDuration);
            if (maxWaitDuration.compareTo(waitDuration) < 0) {
                throw new InvalidConfigException("maxWaitDuration", maxWaitDuration,
                        n -> "at least " + n.setting("waitDuration") + " (" + n.value(waitDuration) + ")");
            }
            between("jitter", jitter, 0.0, 1.0);
            notNegative("maxDuration", maxDuration);
            noNulls("retryExceptions", retryExceptions);
            noNulls("ignoreExceptions", ignoreExceptions);
            return new RetryConfig(this);
        }
    }
}

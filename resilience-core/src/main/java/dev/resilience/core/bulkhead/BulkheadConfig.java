package dev.resilience.core.bulkhead;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.notNegative;

import java.time.Duration;

/** Immutable, validated settings of a {@link Bulkhead}. Build with {@link #builder()}. */
public final class BulkheadConfig {

    private static final BulkheadConfig DEFAULTS = builder().build();

    private final int maxConcurrentCalls;
    private final Duration maxWaitDuration;
    private final boolean writableStackTrace;

    private BulkheadConfig(Builder b) {
        this.maxConcurrentCalls = b.maxConcurrentCalls;
        this.maxWaitDuration = b.maxWaitDuration;
        this.writableStackTrace = b.writableStackTrace;
    }

    /** The built-in defaults: 25 concurrent calls, no waiting. */
    public static BulkheadConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(BulkheadConfig base) {
        return new Builder().maxConcurrentCalls(base.maxConcurrentCalls).maxWaitDuration(base.maxWaitDuration)
                .writableStackTrace(base.writableStackTrace);
    }

    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** How long a call waits for a permit; zero fails fast. */
    public Duration maxWaitDuration() {
        return maxWaitDuration;
    }

    /** Whether {@link BulkheadFullException} fills in its stack trace (off: rejection stays cheap). */
    public boolean writableStackTrace() {
        return writableStackTrace;
    }

    @Override
    public String toString() {
        return "BulkheadConfig[maxConcurrentCalls=" + maxConcurrentCalls + ", maxWaitDuration=" + maxWaitDuration
                + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private int maxConcurrentCalls = 25;
        private Duration maxWaitDuration = Duration.ZERO;
        private boolean writableStackTrace;

        private Builder() {
        }

        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = calls;
            return this;
        }

        public Builder maxWaitDuration(Duration wait) {
            this.maxWaitDuration = wait;
            return this;
        }

        public Builder writableStackTrace(boolean writable) {
            this.writableStackTrace = writable;
            return this;
        }

        /**
         * @throws dev.resilience.core.InvalidConfigException naming the first invalid setting, its value and what
         *                                                    is allowed
         */
        public BulkheadConfig build() {
            atLeast("maxConcurrentCalls", maxConcurrentCalls, 1);
            notNegative("maxWaitDuration", maxWaitDuration);
            return new BulkheadConfig(this);
        }
    }
}

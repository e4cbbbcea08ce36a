package dev.resilience.core.hedge;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.positive;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Immutable, validated settings of a {@link Hedge}. Build with {@link #builder()}.
 *
 * <p>Defaults: one extra attempt ({@code maxHedges} 1), launched after the 95th percentile of recent latency
 * ({@code delay} {@code p95}), after one second ({@code delayFallback}) until 50 calls are measured; the first
 * successful result wins; extra attempts of synchronous calls run on the pipeline's executor.
 */
public final class HedgeConfig {

    /** Calls measured before a percentile delay is used instead of {@link #delayFallback()}. */
    public static final int MIN_MEASURED_CALLS = 50;

    private static final HedgeConfig DEFAULTS = builder().build();

    private final int maxHedges;
    private final HedgeDelay delay;
    private final Duration delayFallback;
    private final Predicate<Object> cancelOnResult;
    private final Executor executor;

    private HedgeConfig(Builder b) {
        this.maxHedges = b.maxHedges;
        this.delay = b.delay;
        this.delayFallback = b.delayFallback;
        this.cancelOnResult = b.cancelOnResult;
        this.executor = b.executor;
    }

    /** The built-in defaults. */
    public static HedgeConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Builder from(HedgeConfig base) {
        Builder b = new Builder();
        b.maxHedges = base.maxHedges;
        b.delay = base.delay;
        b.delayFallback = base.delayFallback;
        b.cancelOnResult = base.cancelOnResult;
        b.executor = base.executor;
        return b;
    }

    /** How many extra attempts a call may get, one per {@link #delay()} while none has won. */
    public int maxHedges() {
        return maxHedges;
    }

    /** How long to wait, from the start of a call and then between extra attempts, before the next one. */
    public HedgeDelay delay() {
        return delay;
    }

    /** The delay while a percentile {@link #delay()} has fewer than {@value #MIN_MEASURED_CALLS} calls measured. */
    public Duration delayFallback() {
        return delayFallback;
    }

    /**
     * Which successful results win and cancel the other attempts; {@code null} (the default) for every
     * successful result. A result it does not accept is kept while the other attempts go on; if none wins,
     * the caller gets the first result that came, or else the first attempt's failure.
     */
    public Predicate<Object> cancelOnResult() {
        return cancelOnResult;
    }

    /**
     * Where the extra attempts of synchronous calls run; {@code null} (the default) for the pipeline's executor.
     * Never the common {@code ForkJoinPool}: its few workers would block on the calls.
     */
    public Executor executor() {
        return executor;
    }

    /**
     * Equal settings: a live reconfiguration leaves a hedge alone when its new config equals the one in use.
     * The {@code cancelOnResult} predicate and the executor are compared by identity.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof HedgeConfig that && maxHedges == that.maxHedges && Objects.equals(delay, that.delay)
                && Objects.equals(delayFallback, that.delayFallback) && cancelOnResult == that.cancelOnResult
                && executor == that.executor;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxHedges, delay, delayFallback);
    }

    @Override
    public String toString() {
        return "HedgeConfig[maxHedges=" + maxHedges + ", delay=" + delay + ", delayFallback=" + delayFallback
                + (cancelOnResult == null ? "" : ", cancelOnResult=" + cancelOnResult) + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private int maxHedges = 1;
        private HedgeDelay delay = HedgeDelay.percentile(95);
        private Duration delayFallback = Duration.ofSeconds(1);
        private Predicate<Object> cancelOnResult;
        private Executor executor;

        private Builder() {
        }

        public Builder maxHedges(int maxHedges) {
            this.maxHedges = maxHedges;
            return this;
        }

        public Builder delay(HedgeDelay delay) {
            this.delay = delay;
            return this;
        }

        /** A fixed delay. */
        public Builder delay(Duration delay) {
            this.delay = delay == null ? null : HedgeDelay.of(delay);
            return this;
        }

        /** A delay written as in a property file: {@code 100ms} or {@code p95}; see {@link HedgeDelay#parse}. */
        public Builder delay(String delay) {
            this.delay = HedgeDelay.parse("delay", delay);
            return this;
        }

        public Builder delayFallback(Duration delayFallback) {
            this.delayFallback = delayFallback;
            return this;
        }

        public Builder cancelOnResult(Predicate<Object> cancelOnResult) {
            this.cancelOnResult = cancelOnResult;
            return this;
        }

        public Builder executor(Executor executor) {
            if (executor == java.util.concurrent.ForkJoinPool.commonPool()) {
                throw new dev.resilience.core.InvalidConfigException("executor", "ForkJoinPool.commonPool()",
                        "an executor of the application's, not the common pool (its few workers would block "
                                + "on the calls)");
            }
            this.executor = executor;
            return this;
        }

        /**
         * @throws dev.resilience.core.InvalidConfigException naming the first invalid setting, its value and what
         *                                                    is allowed
         */
        public HedgeConfig build() {
            atLeast("maxHedges", maxHedges, 1);
            HedgeDelay.validate("delay", delay);
            positive("delayFallback", delayFallback);
            return new HedgeConfig(this);
        }
    }
}

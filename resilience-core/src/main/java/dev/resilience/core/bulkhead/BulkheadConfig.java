package dev.resilience.core.bulkhead;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.between;
import static dev.resilience.core.internal.Validation.noNulls;
import static dev.resilience.core.internal.Validation.notNegative;
import static dev.resilience.core.internal.Validation.positive;
import static dev.resilience.core.internal.Validation.required;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import dev.resilience.core.InvalidConfigException;

/**
 * Immutable, validated settings of a {@link Bulkhead}. Build with {@link #builder()}.
 *
 * <p>A {@link Type#FIXED fixed} bulkhead admits up to {@code maxConcurrentCalls}. An {@link Type#ADAPTIVE
 * adaptive} one finds its limit, between {@code minConcurrentCalls} and {@code maxConcurrentCalls}, from the
 * latency it measures (see {@link Bulkhead}): it starts at {@code initialConcurrentCalls}, grows while the
 * latency stays near its long-run minimum, and shrinks when the latency rises or the downstream shows it is
 * overloaded (a failure matching {@link #isOverload(Throwable)}, or a timeout).
 */
public final class BulkheadConfig {

    /** How the limit is set. */
    public enum Type {
        /** {@code maxConcurrentCalls}, as configured. */
        FIXED,
        /** Found from measured latency, between {@code minConcurrentCalls} and {@code maxConcurrentCalls}. */
        ADAPTIVE
    }

    /** The fixed bulkhead's default limit. */
    static final int DEFAULT_FIXED_MAX = 25;
    /** The adaptive bulkhead's default ceiling. */
    static final int DEFAULT_ADAPTIVE_MAX = 200;

    /**
     * Failures that say the downstream is overloaded whatever the configuration adds: a timeout, an I/O
     * operation interrupted (a socket read that timed out), the caller's thread interrupted (how a synchronous
     * timeout stops a call: blocked in a wait, or in channel I/O), and a bulkhead further down that was full.
     */
    static final List<Class<? extends Throwable>> DEFAULT_OVERLOAD = List.of(TimeoutException.class,
            InterruptedIOException.class, InterruptedException.class, ClosedByInterruptException.class,
            BulkheadFullException.class);

    private static final Predicate<Throwable> NOTHING = failure -> false;
    private static final BulkheadConfig DEFAULTS = builder().build();

    private final Type type;
    private final int maxConcurrentCalls;
    /** Whether maxConcurrentCalls was set rather than the type's default: a derived config keeps it then. */
    private final boolean maxSet;
    private final int minConcurrentCalls;
    private final int initialConcurrentCalls;
    private final boolean initialSet;
    private final double alpha;
    private final double beta;
    private final double backoffRatio;
    private final Duration baselineWindow;
    private final List<Class<? extends Throwable>> overloadExceptions;
    private final Predicate<Throwable> overloadPredicate;
    private final Duration maxWaitDuration;
    private final boolean writableStackTrace;

    private BulkheadConfig(Builder b, int max, int initial) {
        this.type = b.type;
        this.maxConcurrentCalls = max;
        this.maxSet = b.maxSet;
        this.minConcurrentCalls = b.minConcurrentCalls;
        this.initialConcurrentCalls = initial;
        this.initialSet = b.initialSet;
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.backoffRatio = b.backoffRatio;
        this.baselineWindow = b.baselineWindow;
        this.overloadExceptions = List.copyOf(b.overloadExceptions);
        this.overloadPredicate = b.overloadPredicate;
        this.maxWaitDuration = b.maxWaitDuration;
        this.writableStackTrace = b.writableStackTrace;
    }

    /** The built-in defaults: a fixed limit of 25 concurrent calls, no waiting. */
    public static BulkheadConfig ofDefaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}. */
    public static Builder from(BulkheadConfig base) {
        Builder builder = new Builder().type(base.type).minConcurrentCalls(base.minConcurrentCalls)
                .alpha(base.alpha).beta(base.beta)
                .backoffRatio(base.backoffRatio).baselineWindow(base.baselineWindow)
                .overloadExceptions(base.overloadExceptions).overloadPredicate(base.overloadPredicate)
                .maxWaitDuration(base.maxWaitDuration).writableStackTrace(base.writableStackTrace);
        if (base.maxSet) {
            builder.maxConcurrentCalls(base.maxConcurrentCalls);
        }
        if (base.initialSet) {
            builder.initialConcurrentCalls(base.initialConcurrentCalls);
        }
        return builder;
    }

    /** Fixed (the default) or adaptive. */
    public Type type() {
        return type;
    }

    /** Whether the limit is found from measured latency. */
    public boolean isAdaptive() {
        return type == Type.ADAPTIVE;
    }

    /** The fixed limit; for an adaptive bulkhead the ceiling of its limit (25 and 200 by default). */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** Adaptive: the floor of the limit (1). */
    public int minConcurrentCalls() {
        return minConcurrentCalls;
    }

    /**
     * Adaptive: the limit before anything is measured (20 by default, within {@code minConcurrentCalls} and
     * {@code maxConcurrentCalls} unless set).
     */
    public int initialConcurrentCalls() {
        return initialConcurrentCalls;
    }

    /**
     * Adaptive: the limit grows while fewer than {@code alpha × log10(limit)} calls are estimated to be queued
     * downstream (3).
     */
    public double alpha() {
        return alpha;
    }

    /** Adaptive: the limit shrinks while more than {@code beta × log10(limit)} calls are estimated queued (6). */
    public double beta() {
        return beta;
    }

    /** Adaptive: the limit is multiplied by this when the downstream shows overload (0.9). */
    public double backoffRatio() {
        return backoffRatio;
    }

    /**
     * Adaptive: how long a measured minimum latency stays the baseline; it is then measured again, so that a
     * downstream that became slower for good is not taken for an overloaded one forever (60 s).
     */
    public Duration baselineWindow() {
        return baselineWindow;
    }

    /**
     * Adaptive: failure types that say the downstream is overloaded, besides the defaults (timeouts, interrupted
     * I/O and threads, {@link BulkheadFullException}).
     */
    public List<Class<? extends Throwable>> overloadExceptions() {
        return overloadExceptions;
    }

    /** Adaptive: a further test for overload failures (e.g. an HTTP 429 or 503), by default matching nothing. */
    public Predicate<Throwable> overloadPredicate() {
        return overloadPredicate;
    }

    /**
     * Whether {@code failure} says the downstream is overloaded: such a failure shrinks an adaptive limit. Any
     * other failure (a client error, a bug) does not move it.
     */
    public boolean isOverload(Throwable failure) {
        return isInstance(DEFAULT_OVERLOAD, failure) || isInstance(overloadExceptions, failure)
                || overloadPredicate.test(failure);
    }

    private static boolean isInstance(List<Class<? extends Throwable>> types, Throwable failure) {
        for (Class<? extends Throwable> type : types) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    /** How long a call waits for a permit; zero fails fast. */
    public Duration maxWaitDuration() {
        return maxWaitDuration;
    }

    /** Whether {@link BulkheadFullException} fills in its stack trace (off: rejection stays cheap). */
    public boolean writableStackTrace() {
        return writableStackTrace;
    }

    /**
     * Equal settings: a live reconfiguration leaves a bulkhead alone when its new config equals the one in use.
     * The overload predicate is compared by identity.
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof BulkheadConfig that && type == that.type
                && maxConcurrentCalls == that.maxConcurrentCalls && maxSet == that.maxSet
                && minConcurrentCalls == that.minConcurrentCalls
                && initialConcurrentCalls == that.initialConcurrentCalls && initialSet == that.initialSet
                && Double.compare(alpha, that.alpha) == 0 && Double.compare(beta, that.beta) == 0
                && Double.compare(backoffRatio, that.backoffRatio) == 0
                && Objects.equals(baselineWindow, that.baselineWindow)
                && overloadExceptions.equals(that.overloadExceptions) && overloadPredicate == that.overloadPredicate
                && Objects.equals(maxWaitDuration, that.maxWaitDuration)
                && writableStackTrace == that.writableStackTrace;
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, maxConcurrentCalls, minConcurrentCalls, initialConcurrentCalls, maxWaitDuration);
    }

    @Override
    public String toString() {
        if (type == Type.FIXED) {
            return "BulkheadConfig[maxConcurrentCalls=" + maxConcurrentCalls + ", maxWaitDuration="
                    + maxWaitDuration + "]";
        }
        return "BulkheadConfig[type=ADAPTIVE, minConcurrentCalls=" + minConcurrentCalls + ", initialConcurrentCalls="
                + initialConcurrentCalls + ", maxConcurrentCalls=" + maxConcurrentCalls + ", alpha=" + alpha
                + ", beta=" + beta + ", backoffRatio=" + backoffRatio + ", baselineWindow=" + baselineWindow
                + ", maxWaitDuration=" + maxWaitDuration + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private Type type = Type.FIXED;
        private int maxConcurrentCalls = DEFAULT_FIXED_MAX;
        private boolean maxSet;
        private int minConcurrentCalls = 1;
        private int initialConcurrentCalls = 20;
        private boolean initialSet;
        private double alpha = 3;
        private double beta = 6;
        private double backoffRatio = 0.9;
        private Duration baselineWindow = Duration.ofSeconds(60);
        private List<Class<? extends Throwable>> overloadExceptions = List.of();
        private Predicate<Throwable> overloadPredicate = NOTHING;
        private Duration maxWaitDuration = Duration.ZERO;
        private boolean writableStackTrace;

        private Builder() {
        }

        /** Fixed (default) or adaptive; an adaptive bulkhead's {@code maxConcurrentCalls} defaults to 200. */
        public Builder type(Type type) {
            this.type = type;
            return this;
        }

        public Builder maxConcurrentCalls(int calls) {
            this.maxConcurrentCalls = calls;
            this.maxSet = true;
            return this;
        }

        public Builder minConcurrentCalls(int calls) {
            this.minConcurrentCalls = calls;
            return this;
        }

        public Builder initialConcurrentCalls(int calls) {
            this.initialConcurrentCalls = calls;
            this.initialSet = true;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        public Builder backoffRatio(double ratio) {
            this.backoffRatio = ratio;
            return this;
        }

        public Builder baselineWindow(Duration window) {
            this.baselineWindow = window;
            return this;
        }

        /** Failure types, besides the defaults, that say the downstream is overloaded. */
        public Builder overloadExceptions(List<Class<? extends Throwable>> types) {
            this.overloadExceptions = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** A further test for overload failures, e.g. an HTTP status; replaces the previous one. */
        public Builder overloadPredicate(Predicate<Throwable> predicate) {
            this.overloadPredicate = predicate;
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
         * @throws InvalidConfigException naming the first invalid setting, its value and what is allowed
         */
        public BulkheadConfig build() {
            required("type", type, n -> "FIXED or ADAPTIVE");
            int max = maxSet || type == Type.FIXED ? maxConcurrentCalls : DEFAULT_ADAPTIVE_MAX;
            atLeast("maxConcurrentCalls", max, 1);
            notNegative("maxWaitDuration", maxWaitDuration);
            if (type == Type.ADAPTIVE) {
                atLeast("minConcurrentCalls", minConcurrentCalls, 1);
                if (minConcurrentCalls > max) {
                    throw new InvalidConfigException("minConcurrentCalls", minConcurrentCalls,
                            n -> "at most " + n.setting("maxConcurrentCalls") + " (" + max + ")");
                }
            }
            int initial = initialSet ? initialConcurrentCalls
                    : Math.max(minConcurrentCalls, Math.min(max, initialConcurrentCalls));
            if (type == Type.ADAPTIVE) {
                if (initial < minConcurrentCalls || initial > max) {
                    throw new InvalidConfigException("initialConcurrentCalls", initial,
                            n -> "between " + n.setting("minConcurrentCalls") + " (" + minConcurrentCalls + ") and "
                                    + n.setting("maxConcurrentCalls") + " (" + max + ")");
                }
                if (!(alpha > 0)) {
                    throw new InvalidConfigException("alpha", alpha, "greater than 0");
                }
                if (!(beta > alpha)) {
                    throw new InvalidConfigException("beta", beta,
                            n -> "greater than " + n.setting("alpha") + " (" + n.value(alpha) + ")");
                }
                if (!(backoffRatio >= 0.5 && backoffRatio < 1)) {
                    throw new InvalidConfigException("backoffRatio", backoffRatio, "at least 0.5 and less than 1");
                }
                positive("baselineWindow", baselineWindow);
            }
            noNulls("overloadExceptions", overloadExceptions);
            required("overloadPredicate", overloadPredicate, n -> "a predicate");
            return new BulkheadConfig(this, max, initial);
        }
    }
}

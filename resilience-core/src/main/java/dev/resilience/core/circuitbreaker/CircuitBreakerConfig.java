package dev.resilience.core.circuitbreaker;

import static dev.resilience.core.internal.Validation.atLeast;
import static dev.resilience.core.internal.Validation.noNulls;
import static dev.resilience.core.internal.Validation.notNegative;
import static dev.resilience.core.internal.Validation.percentage;
import static dev.resilience.core.internal.Validation.positive;
import static dev.resilience.core.internal.Validation.required;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.Objects;

import dev.resilience.core.ExceptionFilter;
import dev.resilience.core.InvalidConfigException;

/** Immutable, validated settings of a {@link CircuitBreaker}. Build with {@link #builder()}. */
public final class CircuitBreakerConfig {

    private static final CircuitBreakerConfig DEFAULTS = builder().build();

    private final SlidingWindowType slidingWindowType;
    private final int slidingWindowSize;
    private final int minimumNumberOfCalls;
    private final float failureRateThreshold;
    private final Duration slowCallDurationThreshold;
    private final float slowCallRateThreshold;
    private final Duration waitDurationInOpenState;
    private final int permittedCallsInHalfOpenState;
    private final Duration maxWaitDurationInHalfOpenState;
    private final ExceptionFilter recordedFailures;
    private final Predicate<Object> recordResult;
    private final boolean countCallerInterruption;
    private final boolean writableStackTrace;

    private CircuitBreakerConfig(Builder b) {
        this.slidingWindowType = b.slidingWindowType;
        this.slidingWindowSize = b.slidingWindowSize;
        this.minimumNumberOfCalls = b.minimumNumberOfCalls;
        this.failureRateThreshold = b.failureRateThreshold;
        this.slowCallDurationThreshold = b.slowCallDurationThreshold;
        this.slowCallRateThreshold = b.slowCallRateThreshold;
        this.waitDurationInOpenState = b.waitDurationInOpenState;
        this.permittedCallsInHalfOpenState = b.permittedCallsInHalfOpenState;
        this.maxWaitDurationInHalfOpenState = b.maxWaitDurationInHalfOpenState;
        this.recordedFailures = ExceptionFilter.of(b.recordExceptions, b.ignoreExceptions);
        this.recordResult = b.recordResult;
        this.countCallerInterruption = b.countCallerInterruption;
        this.writableStackTrace = b.writableStackTrace;
    }

    /** The built-in defaults. */
    public static CircuitBreakerConfig ofDefaults() {
        return DEFAULTS;
    }

    /** A builder starting from the built-in defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@code base}: the way to derive a config that overrides a few settings. */
    public static Builder from(CircuitBreakerConfig base) {
        return new Builder(base);
    }

    public SlidingWindowType slidingWindowType() {
        return slidingWindowType;
    }

    /** Calls (COUNT_BASED) or seconds (TIME_BASED). */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    public int minimumNumberOfCalls() {
        return minimumNumberOfCalls;
    }

    /** Percent. */
    public float failureRateThreshold() {
        return failureRateThreshold;
    }

    public Duration slowCallDurationThreshold() {
        return slowCallDurationThreshold;
    }

    /** Percent. */
    public float slowCallRateThreshold() {
        return slowCallRateThreshold;
    }

    public Duration waitDurationInOpenState() {
        return waitDurationInOpenState;
    }

    public int permittedCallsInHalfOpenState() {
        return permittedCallsInHalfOpenState;
    }

    /**
     * How long a HALF_OPEN breaker may wait for its trial calls to decide before it opens again;
     * {@link Duration#ZERO} (the default) waits without limit.
     */
    public Duration maxWaitDurationInHalfOpenState() {
        return maxWaitDurationInHalfOpenState;
    }

    /** Types counted as failures; empty means every type. */
    public List<Class<? extends Throwable>> recordExceptions() {
        return recordedFailures.included();
    }

    /** Types never counted; wins over {@link #recordExceptions()}. */
    public List<Class<? extends Throwable>> ignoreExceptions() {
        return recordedFailures.excluded();
    }

    /** Which failures are counted: record and ignore lists combined. */
    public ExceptionFilter recordedFailures() {
        return recordedFailures;
    }

    /** Returned values counted as failures, or {@code null} when every returned value is a success. */
    public Predicate<Object> recordResult() {
        return recordResult;
    }

    /** Whether an interruption or cancellation caused by the caller counts as a failure. */
    public boolean countCallerInterruption() {
        return countCallerInterruption;
    }

    /** Whether {@link CircuitBreakerOpenException} fills in its stack trace (off: rejection stays cheap). */
    public boolean writableStackTrace() {
        return writableStackTrace;
    }

    /**
     * Whether {@code other} holds the same settings: a registry leaves an instance alone when its new config
     * equals the one in use. The {@code recordResult} is compared by identity.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CircuitBreakerConfig that)) {
            return false;
        }
        return Objects.equals(slidingWindowType, that.slidingWindowType)
                && Objects.equals(slidingWindowSize, that.slidingWindowSize)
                && Objects.equals(minimumNumberOfCalls, that.minimumNumberOfCalls)
                && Objects.equals(failureRateThreshold, that.failureRateThreshold)
                && Objects.equals(slowCallDurationThreshold, that.slowCallDurationThreshold)
                && Objects.equals(slowCallRateThreshold, that.slowCallRateThreshold)
                && Objects.equals(waitDurationInOpenState, that.waitDurationInOpenState)
                && Objects.equals(permittedCallsInHalfOpenState, that.permittedCallsInHalfOpenState)
                && Objects.equals(maxWaitDurationInHalfOpenState, that.maxWaitDurationInHalfOpenState)
                && Objects.equals(recordedFailures, that.recordedFailures)
                && Objects.equals(countCallerInterruption, that.countCallerInterruption)
                && Objects.equals(writableStackTrace, that.writableStackTrace)
                && recordResult == that.recordResult;
    }

    @Override
    public int hashCode() {
        return Objects.hash(slidingWindowType, slidingWindowSize, minimumNumberOfCalls, failureRateThreshold, slowCallDurationThreshold, slowCallRateThreshold, waitDurationInOpenState, permittedCallsInHalfOpenState, maxWaitDurationInHalfOpenState, recordedFailures, countCallerInterruption, writableStackTrace);
    }

    @Override
    public String toString() {
        return "CircuitBreakerConfig[slidingWindowType=" + slidingWindowType + ", slidingWindowSize="
                + slidingWindowSize + ", minimumNumberOfCalls=" + minimumNumberOfCalls + ", failureRateThreshold="
                + failureRateThreshold + ", slowCallDurationThreshold=" + slowCallDurationThreshold
                + ", slowCallRateThreshold=" + slowCallRateThreshold + ", waitDurationInOpenState="
                + waitDurationInOpenState + ", permittedCallsInHalfOpenState=" + permittedCallsInHalfOpenState
                + ", maxWaitDurationInHalfOpenState=" + maxWaitDurationInHalfOpenState
                + ", recordExceptions=" + recordExceptions() + ", ignoreExceptions=" + ignoreExceptions()
                + ", countCallerInterruption=" + countCallerInterruption + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {

        private SlidingWindowType slidingWindowType = SlidingWindowType.COUNT_BASED;
        private int slidingWindowSize = 100;
        private int minimumNumberOfCalls = 20;
        private float failureRateThreshold = 50;
        private Duration slowCallDurationThreshold = Duration.ofSeconds(60);
        private float slowCallRateThreshold = 100;
        private Duration waitDurationInOpenState = Duration.ofSeconds(30);
        private int permittedCallsInHalfOpenState = 5;
        private Duration maxWaitDurationInHalfOpenState = Duration.ZERO;
        private List<Class<? extends Throwable>> recordExceptions = new ArrayList<>();
        private List<Class<? extends Throwable>> ignoreExceptions = new ArrayList<>();
        private Predicate<Object> recordResult;
        private boolean countCallerInterruption;
        private boolean writableStackTrace;

        private Builder() {
        }

        private Builder(CircuitBreakerConfig base) {
            this.slidingWindowType = base.slidingWindowType;
            this.slidingWindowSize = base.slidingWindowSize;
            this.minimumNumberOfCalls = base.minimumNumberOfCalls;
            this.failureRateThreshold = base.failureRateThreshold;
            this.slowCallDurationThreshold = base.slowCallDurationThreshold;
            this.slowCallRateThreshold = base.slowCallRateThreshold;
            this.waitDurationInOpenState = base.waitDurationInOpenState;
            this.permittedCallsInHalfOpenState = base.permittedCallsInHalfOpenState;
            this.maxWaitDurationInHalfOpenState = base.maxWaitDurationInHalfOpenState;
            this.recordExceptions = new ArrayList<>(base.recordExceptions());
            this.ignoreExceptions = new ArrayList<>(base.ignoreExceptions());
            this.recordResult = base.recordResult;
            this.countCallerInterruption = base.countCallerInterruption;
            this.writableStackTrace = base.writableStackTrace;
        }

        public Builder slidingWindowType(SlidingWindowType type) {
            this.slidingWindowType = type;
            return this;
        }

        public Builder slidingWindowSize(int size) {
            this.slidingWindowSize = size;
            return this;
        }

        public Builder minimumNumberOfCalls(int calls) {
            this.minimumNumberOfCalls = calls;
            return this;
        }

        public Builder failureRateThreshold(float percent) {
            this.failureRateThreshold = percent;
            return this;
        }

        public Builder slowCallDurationThreshold(Duration threshold) {
            this.slowCallDurationThreshold = threshold;
            return this;
        }

        public Builder slowCallRateThreshold(float percent) {
            this.slowCallRateThreshold = percent;
            return this;
        }

        public Builder waitDurationInOpenState(Duration wait) {
            this.waitDurationInOpenState = wait;
            return this;
        }

        public Builder permittedCallsInHalfOpenState(int calls) {
            this.permittedCallsInHalfOpenState = calls;
            return this;
        }

        /** Opens a HALF_OPEN breaker again when its trials have not decided within {@code wait}; zero: no limit. */
        public Builder maxWaitDurationInHalfOpenState(Duration wait) {
            this.maxWaitDurationInHalfOpenState = wait;
            return this;
        }

        /** Only these types (and subclasses) count as failures; replaces the list. Empty: every type. */
        @SafeVarargs
        public final Builder recordExceptions(Class<? extends Throwable>... types) {
            return recordExceptions(types == null ? null : Arrays.asList(types));
        }

        /** Only these types (and subclasses) count as failures; replaces the list. Empty: every type. */
        public Builder recordExceptions(List<Class<? extends Throwable>> types) {
            this.recordExceptions = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** These types (and subclasses) are never counted, even when recorded; replaces the list. */
        @SafeVarargs
        public final Builder ignoreExceptions(Class<? extends Throwable>... types) {
            return ignoreExceptions(types == null ? null : Arrays.asList(types));
        }

        /** These types (and subclasses) are never counted, even when recorded; replaces the list. */
        public Builder ignoreExceptions(List<Class<? extends Throwable>> types) {
            this.ignoreExceptions = types == null ? null : new ArrayList<>(types);
            return this;
        }

        /** Returned values for which {@code predicate} is {@code true} count as failures. */
        public Builder recordResult(Predicate<Object> predicate) {
            this.recordResult = predicate;
            return this;
        }

        /** Count an interruption or cancellation caused by the caller as a failure (default {@code false}). */
        public Builder countCallerInterruption(boolean count) {
            this.countCallerInterruption = count;
            return this;
        }

        /** Fill in the stack trace of {@link CircuitBreakerOpenException} (default {@code false}). */
        public Builder writableStackTrace(boolean writable) {
            this.writableStackTrace = writable;
            return this;
        }

        /** @throws InvalidConfigException naming the first invalid setting, its value and what is allowed */
        public CircuitBreakerConfig build() {
            required("slidingWindowType", slidingWindowType,
                    n -> n.value(SlidingWindowType.COUNT_BASED) + " or " + n.value(SlidingWindowType.TIME_BASED));
            atLeast("slidingWindowSize", slidingWindowSize, 1);
            atLeast("minimumNumberOfCalls", minimumNumberOfCalls, 1);
            if (slidingWindowType == SlidingWindowType.COUNT_BASED && minimumNumberOfCalls > slidingWindowSize) {
                throw new InvalidConfigException("minimumNumberOfCalls", minimumNumberOfCalls,
                        n -> "at most " + windowLimit(n), n -> "not exceed " + windowLimit(n));
            }
            percentage("failureRateThreshold", failureRateThreshold);
            positive("slowCallDurationThreshold", slowCallDurationThreshold);
            percentage("slowCallRateThreshold", slowCallRateThreshold);
            positive("waitDurationInOpenState", waitDurationInOpenState);
            atLeast("permittedCallsInHalfOpenState", permittedCallsInHalfOpenState, 1);
            notNegative("maxWaitDurationInHalfOpenState", maxWaitDurationInHalfOpenState);
            noNulls("recordExceptions", recordExceptions);
            noNulls("ignoreExceptions", ignoreExceptions);
            return new CircuitBreakerConfig(this);
        }

        private String windowLimit(InvalidConfigException.Notation n) {
            return n.setting("slidingWindowSize") + " (" + n.value(slidingWindowSize) + ") for a "
                    + n.value(SlidingWindowType.COUNT_BASED) + " window";
        }
    }
}

package dev.resilience.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.resilience.core.circuitbreaker.SlidingWindowType;

/** {@code resilience.circuitbreaker.*}. */
public class CircuitBreakerProperties extends PolicyProperties<CircuitBreakerProperties.Settings> {

    /** The circuitBreakers health component. */
    @NestedConfigurationProperty
    private final Health health = new Health();

    public Health getHealth() {
        return health;
    }

    /** {@code resilience.circuitbreaker.health.*}. */
    public static class Health {

        /** Whether an open breaker makes the health component DOWN instead of CIRCUIT_OPEN. */
        private boolean failWhenOpen;

        public boolean isFailWhenOpen() {
            return failWhenOpen;
        }

        public void setFailWhenOpen(boolean failWhenOpen) {
            this.failWhenOpen = failWhenOpen;
        }
    }

    /** Settings of one circuit breaker config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /** How recent calls are remembered: count-based (last N calls) or time-based (last N seconds). Default count-based. */
        private SlidingWindowType slidingWindowType;

        /** Size of the sliding window: calls (count-based) or seconds (time-based). Default 100. */
        private Integer slidingWindowSize;

        /** Calls needed in the window before rates are computed and can open the breaker. Default 20. */
        private Integer minimumNumberOfCalls;

        /** Failure rate, in percent (0 exclusive to 100), at which the breaker opens. Default 50. */
        private Float failureRateThreshold;

        /** Calls taking at least this long count as slow. Default 60s. */
        private Duration slowCallDurationThreshold;

        /** Slow-call rate, in percent (0 exclusive to 100), at which the breaker opens. Default 100. */
        private Float slowCallRateThreshold;

        /** How long the breaker stays open before letting trial calls through. Default 30s. */
        private Duration waitDurationInOpenState;

        /** Number of trial calls in half-open state. Default 5. */
        private Integer permittedCallsInHalfOpenState;

        /**
         * How long a half-open breaker may wait for its trial calls to decide before it opens again; 0 waits
         * without limit. Default 0.
         */
        private Duration maxWaitDurationInHalfOpenState;

        /** Exception types counted as failures (fully qualified names; subclasses match). Default: every exception. */
        private List<String> recordExceptions;

        /** Exception types never counted as failures; wins over record-exceptions. Default: none. */
        private List<String> ignoreExceptions;

        /** Whether an interruption or cancellation caused by the caller counts as a failure. Default false. */
        private Boolean countCallerInterruption;

        /** Whether CircuitBreakerOpenException fills in its stack trace. Default false (cheaper rejections). */
        private Boolean writableStackTrace;

        public SlidingWindowType getSlidingWindowType() {
            return slidingWindowType;
        }

        public void setSlidingWindowType(SlidingWindowType slidingWindowType) {
            this.slidingWindowType = slidingWindowType;
        }

        public Integer getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(Integer slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public Integer getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(Integer minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(Float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public Duration getSlowCallDurationThreshold() {
            return slowCallDurationThreshold;
        }

        public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
            this.slowCallDurationThreshold = slowCallDurationThreshold;
        }

        public Float getSlowCallRateThreshold() {
            return slowCallRateThreshold;
        }

        public void setSlowCallRateThreshold(Float slowCallRateThreshold) {
            this.slowCallRateThreshold = slowCallRateThreshold;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        public Integer getPermittedCallsInHalfOpenState() {
            return permittedCallsInHalfOpenState;
        }

        public void setPermittedCallsInHalfOpenState(Integer permittedCallsInHalfOpenState) {
            this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
        }

        public Duration getMaxWaitDurationInHalfOpenState() {
            return maxWaitDurationInHalfOpenState;
        }

        public void setMaxWaitDurationInHalfOpenState(Duration maxWaitDurationInHalfOpenState) {
            this.maxWaitDurationInHalfOpenState = maxWaitDurationInHalfOpenState;
        }

        public List<String> getRecordExceptions() {
            return recordExceptions;
        }

        public void setRecordExceptions(List<String> recordExceptions) {
            this.recordExceptions = recordExceptions;
        }

        public List<String> getIgnoreExceptions() {
            return ignoreExceptions;
        }

        public void setIgnoreExceptions(List<String> ignoreExceptions) {
            this.ignoreExceptions = ignoreExceptions;
        }

        public Boolean getCountCallerInterruption() {
            return countCallerInterruption;
        }

        public void setCountCallerInterruption(Boolean countCallerInterruption) {
            this.countCallerInterruption = countCallerInterruption;
        }

        public Boolean getWritableStackTrace() {
            return writableStackTrace;
        }

        public void setWritableStackTrace(Boolean writableStackTrace) {
            this.writableStackTrace = writableStackTrace;
        }
    }
}

package dev.resilience.test;

import org.assertj.core.api.Assertions;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;

/**
 * AssertJ's entry point with assertions for the policies and their events added: one static import
 * ({@code import static dev.resilience.test.ResilienceAssertions.assertThat;}) serves both.
 *
 * <pre>{@code
 * assertThat(breaker).isOpen().hasFailureRate(50.0);
 * assertThat(bulkhead).hasActiveCalls(2);
 * assertThat(events).containsTransition(CLOSED, OPEN);
 * assertThat("any other value").startsWith("any");   // AssertJ's own
 * }</pre>
 */
public class ResilienceAssertions extends Assertions {

    protected ResilienceAssertions() {
    }

    public static CircuitBreakerAssert assertThat(CircuitBreaker actual) {
        return new CircuitBreakerAssert(actual);
    }

    public static BulkheadAssert assertThat(Bulkhead actual) {
        return new BulkheadAssert(actual);
    }

    public static RetryAssert assertThat(Retry actual) {
        return new RetryAssert(actual);
    }

    public static RateLimiterAssert assertThat(RateLimiter actual) {
        return new RateLimiterAssert(actual);
    }

    public static TimeoutAssert assertThat(Timeout actual) {
        return new TimeoutAssert(actual);
    }

    public static ChaosAssert assertThat(Chaos actual) {
        return new ChaosAssert(actual);
    }

    public static RecordedEventsAssert assertThat(RecordedEvents actual) {
        return new RecordedEventsAssert(actual);
    }

    /** The events {@code recorder} holds now. */
    public static RecordedEventsAssert assertThat(EventRecorder recorder) {
        return new RecordedEventsAssert(recorder == null ? null : recorder.recorded());
    }
}

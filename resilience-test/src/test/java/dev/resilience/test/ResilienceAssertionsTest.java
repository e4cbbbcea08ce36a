package dev.resilience.test;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static dev.resilience.test.ResilienceAssertions.assertThat;
import static dev.resilience.test.ResilienceAssertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;

/** Each assertion passes when it should, and otherwise says what was expected and what was found. */
class ResilienceAssertionsTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void assertJsOwnAssertionsComeWithTheSameImport() {
        assertThat("resilience").startsWith("res");
        assertThat(java.util.List.of(1, 2)).containsExactly(1, 2);
    }

    @Nested
    class Breakers {

        private final CircuitBreaker breaker = CircuitBreaker.of("serviceB", CircuitBreakerConfig.builder()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10)).permittedCallsInHalfOpenState(2).build(), clock);
        private final ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).clock(clock)
                .build();

        private void succeed(int times) {
            for (int i = 0; i < times; i++) {
                pipeline.get(() -> "ok");
            }
        }

        private void fail(int times) {
            for (int i = 0; i < times; i++) {
                assertThatThrownBy(() -> pipeline.execute(() -> { throw new IOException("down"); }));
            }
        }

        @Test
        void aNewBreakerIsClosedWithNothingBuffered() {
            assertThat(breaker).isClosed().hasBufferedCalls(0).hasFailedCalls(0).hasNoRatesYet()
                    .hasNotPermittedCalls(0).hasRemainingOpenTime(Duration.ZERO);
        }

        @Test
        void tooFewCallsForARate() {
            fail(1);
            succeed(1);

            assertThat(breaker).isClosed().hasBufferedCalls(2).hasFailedCalls(1).hasNoRatesYet();
            assertThatThrownBy(() -> assertThat(breaker).hasFailureRate(50.0)).isInstanceOf(AssertionError.class)
                    .hasMessage("expected circuit breaker 'serviceB' to have a failure rate of 50.0% but it has none"
                            + " yet (rates not computed yet, 2 calls buffered, 1 failed, 0 slow, 0 not permitted,"
                            + " at least 4 needed)");
        }

        @Test
        void opensAtItsThresholdAndSaysWhatItShows() {
            succeed(2);
            fail(2);

            assertThat(breaker).isOpen().hasFailureRate(50.0).hasSlowCallRate(0).hasBufferedCalls(4)
                    .hasFailedCalls(2).hasRemainingOpenTime(Duration.ofSeconds(10));
            assertThatThrownBy(() -> assertThat(breaker).isClosed()).isInstanceOf(AssertionError.class)
                    .hasMessage("expected circuit breaker 'serviceB' to be CLOSED but was OPEN (failure rate 50.0%,"
                            + " slow call rate 0.0%, 4 calls buffered, 2 failed, 0 slow, 0 not permitted,"
                            + " open for another 10000ms)");
            assertThatThrownBy(() -> assertThat(breaker).hasFailureRate(40)).isInstanceOf(AssertionError.class)
                    .hasMessageStartingWith("expected circuit breaker 'serviceB' to have a failure rate of 40.0% but"
                            + " was 50.0% (");
        }

        @Test
        void halfOpensAndClosesAsTheClockMoves() {
            succeed(2);
            fail(2);
            assertThatThrownBy(() -> pipeline.get(() -> "rejected"));
            assertThat(breaker).isOpen().hasNotPermittedCalls(1);

            clock.advance(Duration.ofSeconds(10));
            assertThat(breaker).isHalfOpen().hasState(HALF_OPEN);
            assertThatThrownBy(() -> assertThat(breaker).isOpen()).isInstanceOf(AssertionError.class)
                    .hasMessage("expected circuit breaker 'serviceB' to be OPEN but was HALF_OPEN (rates not computed"
                            + " yet, 0 calls buffered, 0 failed, 0 slow, 1 not permitted)");

            succeed(2);
            assertThat(breaker).isClosed().hasState(CLOSED);
        }

        @Test
        void forcedOpenAndDisabled() {
            ResilienceTesting.forceState(breaker, CircuitBreaker.State.FORCED_OPEN);
            assertThat(breaker).isForcedOpen();
            ResilienceTesting.forceState(breaker, CircuitBreaker.State.DISABLED);
            assertThat(breaker).isDisabled();
            assertThatThrownBy(() -> assertThat(breaker).hasState(OPEN)).hasMessageStartingWith(
                    "expected circuit breaker 'serviceB' to be OPEN but was DISABLED (");
        }

        @Test
        void countMismatchesSayBoth() {
            fail(1);
            assertThatThrownBy(() -> assertThat(breaker).hasBufferedCalls(1).hasFailedCalls(0))
                    .hasMessageStartingWith("expected circuit breaker 'serviceB' to have 0 failed calls buffered but"
                            + " had 1 (");
            assertThatThrownBy(() -> assertThat(breaker).hasNotPermittedCalls(1))
                    .hasMessageStartingWith("expected circuit breaker 'serviceB' to have rejected 1 call but rejected"
                            + " 0 (");
            assertThatThrownBy(() -> assertThat(breaker).as("after one failure").isOpen())
                    .hasMessageStartingWith("[after one failure] expected circuit breaker 'serviceB' to be OPEN");
        }

        @Test
        void aMissingBreakerFailsAsAssertJDoes() {
            assertThatThrownBy(() -> assertThat((CircuitBreaker) null).isOpen()).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expecting actual not to be null");
        }
    }

    @Test
    void bulkheads() throws InterruptedException {
        Bulkhead bulkhead = Bulkhead.of("inventory", BulkheadConfig.builder().maxConcurrentCalls(3).build(), clock);
        Bulkhead.Permit first = bulkhead.acquire("InventoryClient.fetch");
        Bulkhead.Permit second = bulkhead.acquire("InventoryClient.fetch");
        clock.advance(Duration.ofMillis(250));

        assertThat(bulkhead).hasActiveCalls(2).hasAvailablePermits(1).hasWaitingCalls(0).hasRejectedCalls(0);
        assertThatThrownBy(() -> assertThat(bulkhead).hasActiveCalls(1)).isInstanceOf(AssertionError.class)
                .hasMessage("expected bulkhead 'inventory' to have 1 active call but had 2 (2 of 3 places taken:"
                        + " InventoryClient.fetch on " + Thread.currentThread().getName() + " for 250ms,"
                        + " InventoryClient.fetch on " + Thread.currentThread().getName() + " for 250ms; 0 waiting,"
                        + " 0 rejected)");
        assertThatThrownBy(() -> assertThat(bulkhead).hasNoCallsInside())
                .hasMessageStartingWith("expected bulkhead 'inventory' to have no calls inside but it had some"
                        + " (2 of 3 places taken");

        first.release();
        second.release();
        assertThat(bulkhead).hasNoCallsInside().hasAvailablePermits(3);
    }

    @Test
    void retries() throws Throwable {
        Retry retry = Retry.of("payments", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).clock(clock).build();
        int[] attempts = { 0 };
        pipeline.get(() -> "at once");
        pipeline.execute(() -> {
            if (attempts[0]++ < 2) {
                throw new IOException("down");
            }
            return "third attempt";
        });

        assertThat(clock.slept()).as("two waits on the manual clock, none real").isEqualTo(Duration.ofSeconds(2));
        assertThat(retry).hasSuccessfulCallsWithoutRetry(1).hasSuccessfulCallsWithRetry(1).hasFailedCallsWithRetry(0)
                .hasFailedCallsWithoutRetry(0);
        assertThatThrownBy(() -> assertThat(retry).hasFailedCallsWithRetry(1)).isInstanceOf(AssertionError.class)
                .hasMessage("expected retry 'payments' to have 1 call that failed after retrying but had 0 (1 succeeded"
                        + " at once, 1 after retrying, 0 failed after retrying, 0 failed without a retry; max attempts"
                        + " 3)");
    }

    @Test
    void rateLimiters() {
        RateLimiter limiter = RateLimiter.of("api", RateLimiterConfig.builder().limitForPeriod(2)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(Duration.ZERO).build(), clock);
        limiter.tryAcquirePermission();
        limiter.tryAcquirePermission();
        limiter.tryAcquirePermission();

        assertThat(limiter).hasAvailablePermits(0).hasPermittedCalls(2).hasRejectedCalls(1).hasWaitingCalls(0);
        assertThatThrownBy(() -> assertThat(limiter).hasAvailablePermits(2)).isInstanceOf(AssertionError.class)
                .hasMessage("expected rate limiter 'api' to have 2 free permits but had 0 (0 of 2 permits free per"
                        + " 1000ms, 2 permitted, 1 rejected, 0 waiting)");

        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter).hasAvailablePermits(2);
    }

    @Test
    void timeouts() {
        Timeout timeout = Timeout.of("slow", TimeoutConfig.of(Duration.ofSeconds(2)), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout).clock(clock).build();
        pipeline.get(() -> "in time");

        assertThat(timeout).hasSuccessfulCalls(1).hasFailedCalls(0).hasTimedOutCalls(0);
        assertThatThrownBy(() -> assertThat(timeout).hasTimedOutCalls(1)).isInstanceOf(AssertionError.class)
                .hasMessage("expected timeout 'slow' to have 1 call that timed out but had 0 (limit 2000ms; 1 in time,"
                        + " 0 failed in time, 0 timed out)");
    }

    @Test
    void chaos() {
        Chaos chaos = Chaos.of("chaos", ChaosConfig.builder().enabled(true).faultRate(1.0).build(), clock);
        chaos.injectFault();

        assertThat(chaos).isEnabled().hasInjectedFaults(1).hasInjectedLatencies(0);
        assertThatThrownBy(() -> assertThat(chaos).isDisabled()).hasMessageStartingWith(
                "expected chaos 'chaos' to be off but it was enabled (ChaosConfig[enabled=true");
        chaos.enable(false);
        assertThat(chaos).isDisabled();
        assertThatThrownBy(() -> assertThat(chaos).hasInjectedFaults(2)).hasMessageStartingWith(
                "expected chaos 'chaos' to have 2 injected faults but had 1 (1 fault, 0 delays; ChaosConfig[");
    }
}

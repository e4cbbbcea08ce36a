package dev.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryBudgetConfig;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.test.ManualClock;

/** The hooks the test kit calls between two tests: each policy back to how it was built, silently. */
class ResetToInitialStateTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void breakerIsClosedWithAnEmptyWindowNoCountersNoHistoryAndNoEvent() {
        CircuitBreaker breaker = CircuitBreaker.of("b", CircuitBreakerConfig.builder().slidingWindowSize(4)
                .minimumNumberOfCalls(2).waitDurationInOpenState(Duration.ofSeconds(5)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).clock(clock).build();
        pipeline.get(() -> "ok");
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pipeline.get(() -> { throw new IllegalStateException("down"); }));
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(() -> pipeline.get(() -> "rejected"));
        assertThat(clock.pendingTasks()).as("the open state's timer").isEqualTo(1);
        List<ResilienceEvent> events = new ArrayList<>();
        breaker.events().onEvent(events::add);

        breaker.resetToInitialState();

        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.snapshot().bufferedCalls()).isZero();
        assertThat(breaker.snapshot().failureRate()).isEqualTo(-1);
        assertThat(breaker.successfulCalls()).isZero();
        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.ignoredCalls()).isZero();
        assertThat(breaker.notPermittedCalls()).isZero();
        assertThat(breaker.snapshot().notPermittedCalls()).isZero();
        assertThat(breaker.transitions()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(clock.pendingTasks()).as("the open state's timer is cancelled").isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);

        // And it works as a new one: two failures open it again.
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pipeline.get(() -> { throw new IllegalStateException("down"); }));
        }
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.transitions()).hasSize(1);
    }

    @Test
    void breakerLeavesForcedOpenAndHalfOpenToo() {
        CircuitBreaker breaker = CircuitBreaker.of("b", CircuitBreakerConfig.builder()
                .maxWaitDurationInHalfOpenState(Duration.ofSeconds(1)).build(), clock);
        breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(clock.pendingTasks()).isEqualTo(1);
        breaker.resetToInitialState();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(clock.pendingTasks()).isZero();

        breaker.transitionTo(CircuitBreaker.State.FORCED_OPEN);
        breaker.resetToInitialState();
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.transitions()).isEmpty();
    }

    @Test
    void retryCountersAndItsBudgetStartAgain() throws Throwable {
        RetryBudget budget = RetryBudget.of("budget", RetryBudgetConfig.builder().maxRetryRatio(0)
                .minRetriesPerSecond(0.1).window(Duration.ofSeconds(10)).build(), clock);
        Retry retry = Retry.of("r", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO).budget(budget)
                .build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).clock(clock).build();
        pipeline.get(() -> "first try");
        int[] attempts = { 0 };
        // The budget allows one retry in its window (0.1/s over 10s), then refuses.
        assertThat(pipeline.<String>execute(() -> attempts[0]++ == 0 ? fail() : "second try")).isEqualTo("second try");
        assertThatThrownBy(() -> pipeline.execute(ResetToInitialStateTest::fail)).isInstanceOf(IOException.class);
        assertThat(budget.rejectedRetries()).isEqualTo(1);
        assertThat(retry.successfulWithoutRetry()).isEqualTo(1);
        assertThat(retry.successfulWithRetry()).isEqualTo(1);

        retry.resetToInitialState();

        assertThat(retry.successfulWithoutRetry()).isZero();
        assertThat(retry.successfulWithRetry()).isZero();
        assertThat(retry.failedWithRetry()).isZero();
        assertThat(retry.failedWithoutRetry()).isZero();
        assertThat(budget.rejectedRetries()).isZero();
        assertThat(budget.ratio()).isZero();
        attempts[0] = 0;
        assertThat(pipeline.<String>execute(() -> attempts[0]++ == 0 ? fail() : "retried again"))
                .as("the budget has its retry back").isEqualTo("retried again");
    }

    private static String fail() throws IOException {
        throw new IOException("down");
    }

    @Test
    void timeoutCountersStartAgain() {
        Timeout timeout = Timeout.of("t", TimeoutConfig.of(Duration.ofSeconds(1)), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout).clock(clock).build();
        pipeline.get(() -> "ok");
        assertThatThrownBy(() -> pipeline.get(() -> { throw new IllegalStateException("in time"); }));
        assertThat(timeout.successfulCalls()).isEqualTo(1);

        timeout.resetToInitialState();

        assertThat(timeout.successfulCalls()).isZero();
        assertThat(timeout.failedCalls()).isZero();
        assertThat(timeout.timedOutCalls()).isZero();
    }

    @Test
    void bulkheadForgetsItsRejectionsButNotTheCallsInside() throws InterruptedException {
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        Bulkhead.Permit inside = bulkhead.acquire("first");
        assertThatThrownBy(() -> bulkhead.acquire("second")).isInstanceOf(BulkheadFullException.class);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);

        bulkhead.resetToInitialState();

        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.activeCalls()).isEqualTo(1);
        inside.release();
        assertThat(bulkhead.activeCalls()).isZero();
    }

    @Test
    void rateLimiterBucketsAreFullAgainAndKeysForgotten() {
        for (RateLimiterType type : RateLimiterType.values()) {
            RateLimiter limiter = RateLimiter.of("rl-" + type, RateLimiterConfig.builder().type(type).limitForPeriod(2)
                    .limitRefreshPeriod(Duration.ofMinutes(1)).maxWaitDuration(Duration.ZERO).build(), clock);
            assertThat(limiter.tryAcquirePermission()).isTrue();
            assertThat(limiter.tryAcquirePermission()).isTrue();
            assertThat(limiter.tryAcquirePermission()).isFalse();
            assertThat(limiter.tryAcquirePermission("tenant")).isTrue();
            assertThat(limiter.keys()).isEqualTo(1);
            clock.advance(Duration.ofSeconds(10));

            limiter.resetToInitialState();

            assertThat(limiter.availablePermits()).as(type.toString()).isEqualTo(2);
            assertThat(limiter.permittedCalls()).isZero();
            assertThat(limiter.rejectedCalls()).isZero();
            assertThat(limiter.keys()).isZero();
            assertThat(limiter.tryAcquirePermission()).isTrue();
            assertThat(limiter.tryAcquirePermission()).isTrue();
            assertThat(limiter.tryAcquirePermission()).as(type + ": still two per period").isFalse();
        }
    }

    @Test
    void chaosGetsBackTheSettingsAndRandomItWasBuiltWith() {
        ChaosConfig off = ChaosConfig.builder().enabled(false).faultRate(1.0).build();
        Chaos chaos = Chaos.of("c", off, clock, () -> 0.0);
        chaos.enable(true);
        assertThat(chaos.injectFault()).isTrue();
        chaos.useRandom(ChaosRandom.seeded(1));
        List<ResilienceEvent> events = new ArrayList<>();
        chaos.events().onEvent(events::add);

        chaos.resetToInitialState();

        assertThat(chaos.config()).isSameAs(off);
        assertThat(chaos.injectedFaults()).isZero();
        assertThat(chaos.injectFault()).as("off again").isFalse();
        assertThat(events).isEmpty();
        chaos.enable(true);
        assertThat(chaos.injectFault()).as("the built-in random draws 0.0: always hit").isTrue();
    }
}

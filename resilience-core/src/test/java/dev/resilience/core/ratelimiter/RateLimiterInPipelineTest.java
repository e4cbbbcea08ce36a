package dev.resilience.core.ratelimiter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.test.ManualClock;

/** The rate limiter in its place: between the breaker and the timeout, in both call styles. */
class RateLimiterInPipelineTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger calls = new AtomicInteger();

    private RateLimiter limiter(int limit, Duration maxWait) {
        return RateLimiter.of("limiter", RateLimiterConfig.builder().limitForPeriod(limit)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(maxWait).build(), clock);
    }

    private String call() {
        return "call " + calls.incrementAndGet();
    }

    @Test
    void aSynchronousCallWaitsForItsPermitOnTheClock() throws Throwable {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().rateLimiter(limiter(2, Duration.ofSeconds(1)))
                .clock(clock).build();
        pipeline.execute(this::call);
        pipeline.execute(this::call);

        assertThat(pipeline.execute(this::call)).isEqualTo("call 3");

        assertThat(clock.slept()).as("waited for the third permit").isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aSynchronousCallWithoutAPermitInTimeIsRejectedWithoutRunning() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().rateLimiter(limiter(1, Duration.ZERO)).build();
        assertThat(pipeline.get(this::call)).isEqualTo("call 1");

        assertThatThrownBy(() -> pipeline.get(this::call)).isInstanceOf(RateLimitExceededException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void anAsynchronousCallWaitsOnTheTimerHoldingNoThread() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(2));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().rateLimiter(limiter).asyncExecutor(Runnable::run)
                .clock(clock).build();
        pipeline.executeAsync(() -> CompletableFuture.completedFuture(call()));

        CompletableFuture<String> waiting = pipeline.executeAsync(() -> CompletableFuture.completedFuture(call()));

        assertThat(waiting).isNotDone();
        assertThat(limiter.waitingCalls()).isEqualTo(1);
        assertThat(clock.pendingTasks()).as("the wait is a timer task").isEqualTo(1);
        clock.advance(Duration.ofMillis(999));
        assertThat(waiting).isNotDone();
        clock.advance(Duration.ofMillis(1));
        assertThat(waiting).isCompletedWithValue("call 2");
        assertThat(limiter.waitingCalls()).isZero();
        assertThat(clock.slept()).isZero();
    }

    @Test
    void cancellingAWaitingAsynchronousCallHandsItsPermitBack() {
        RateLimiter limiter = limiter(1, Duration.ofSeconds(2));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().rateLimiter(limiter).asyncExecutor(Runnable::run)
                .clock(clock).build();
        pipeline.executeAsync(() -> CompletableFuture.completedFuture(call()));
        CompletableFuture<String> waiting = pipeline.executeAsync(() -> CompletableFuture.completedFuture(call()));

        waiting.cancel(true);

        assertThat(limiter.waitingCalls()).isZero();
        assertThat(clock.pendingTasks()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(calls).as("the cancelled call never ran").hasValue(1);
        assertThat(limiter.tryAcquirePermission()).as("its reserved permit is free").isTrue();
    }

    @Test
    void aRateLimitedCallIsNotADownstreamFailureForTheBreaker() {
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker)
                .rateLimiter(limiter(1, Duration.ZERO)).build();
        pipeline.get(this::call);

        assertThatThrownBy(() -> pipeline.get(this::call)).isInstanceOf(RateLimitExceededException.class);

        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.successfulCalls()).isEqualTo(1);
    }

    @Test
    void aRateLimitedCallIsNotRetriedUnlessTheRetryNamesTheRejection() {
        Retry plain = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).build(),
                clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(plain).rateLimiter(limiter(1, Duration.ZERO))
                .build();
        pipeline.get(this::call);

        assertThatThrownBy(() -> pipeline.get(this::call)).isInstanceOf(RateLimitExceededException.class);
        assertThat(clock.slept()).as("no retry waited").isZero();
        assertThat(plain.failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void aRetryThatNamesTheRejectionWaitsItsRetryAfter() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ofMillis(10))
                .retryExceptions(RateLimitExceededException.class, IOException.class).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).rateLimiter(limiter(4, Duration.ZERO))
                .clock(clock).build();
        for (int i = 0; i < 4; i++) {
            pipeline.get(this::call);
        }

        assertThat(pipeline.get(this::call)).isEqualTo("call 5");

        assertThat(clock.slept()).as("the rate limiter's retryAfter, not the retry's 10 ms")
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aCallCarryingAKeyTakesFromItsKeysBucket() throws Throwable {
        RateLimiter limiter = limiter(1, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().rateLimiter(limiter).build();

        assertThat(pipeline.execute(new Keyed("a"))).isEqualTo("a");
        assertThat(pipeline.execute(new Keyed("b"))).as("another key").isEqualTo("b");
        assertThatThrownBy(() -> pipeline.execute(new Keyed("a"))).isInstanceOf(RateLimitExceededException.class);
        assertThat(limiter.keys()).isEqualTo(2);
    }

    /** A call limited per key. */
    private record Keyed(String key) implements dev.resilience.core.CheckedSupplier<String>, RateLimitKey {
        @Override
        public String get() {
            return key;
        }

        @Override
        public Object rateLimitKey() {
            return key;
        }
    }
}

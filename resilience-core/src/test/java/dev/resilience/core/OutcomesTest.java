package dev.resilience.core;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;

class OutcomesTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = CircuitBreaker.of("backend",
            CircuitBreakerConfig.builder().slidingWindowSize(10).minimumNumberOfCalls(10).build(), clock);
    private final Retry retry = Retry.of("backend", RetryConfig.builder().maxAttempts(3).build(), clock);
    private final ResiliencePipeline pipeline = ResiliencePipeline.builder()
            .retry(retry).circuitBreaker(breaker).asyncExecutor(Runnable::run).build();

    @Test
    void ignoreMarksTheFailureAndUnwrapsToTheOriginal() {
        IOException original = new IOException("not found");

        RuntimeException marker = Outcomes.ignore(original);

        assertThat(Outcomes.isIgnored(marker)).isTrue();
        assertThat(Outcomes.isMarkedAsSuccess(marker)).isFalse();
        assertThat(Outcomes.isMarked(marker)).isTrue();
        assertThat(Outcomes.unwrap(marker)).isSameAs(original);
    }

    @Test
    void markAsSuccessMarksTheFailureAndUnwrapsToTheOriginal() {
        IllegalStateException original = new IllegalStateException("already deleted");

        RuntimeException marker = Outcomes.markAsSuccess(original);

        assertThat(Outcomes.isMarkedAsSuccess(marker)).isTrue();
        assertThat(Outcomes.isIgnored(marker)).isFalse();
        assertThat(Outcomes.isMarked(marker)).isTrue();
        assertThat(Outcomes.unwrap(marker)).isSameAs(original);
    }

    @Test
    void unmarkedFailuresAreTheirOwnOriginal() {
        IllegalStateException plain = new IllegalStateException();

        assertThat(Outcomes.unwrap(plain)).isSameAs(plain);
        assertThat(Outcomes.isMarked(plain)).isFalse();
        assertThat(Outcomes.isIgnored(plain)).isFalse();
        assertThat(Outcomes.isMarkedAsSuccess(plain)).isFalse();
    }

    @Test
    void markerIsCheapToThrow() {
        assertThat(Outcomes.ignore(new IOException()).getStackTrace()).isEmpty();
        assertThat(Outcomes.markAsSuccess(new IOException()).getSuppressed()).isEmpty();
    }

    @Test
    void nullFailureIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> Outcomes.ignore(null)).withMessage("failure");
        assertThatNullPointerException().isThrownBy(() -> Outcomes.markAsSuccess(null)).withMessage("failure");
    }

    @Test
    void ignoredFailureIsNotCountedNorRetriedAndReachesTheCallerUnwrapped() {
        IOException original = new IOException("404");
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> pipeline.call(() -> {
            calls.incrementAndGet();
            throw Outcomes.ignore(original);
        })).isSameAs(original);

        assertThat(calls).hasValue(1);
        assertThat(breaker.failedCalls()).isZero();
        assertThat(breaker.successfulCalls()).isZero();
        assertThat(breaker.ignoredCalls()).isEqualTo(1);
        assertThat(clock.slept()).isEqualTo(Duration.ZERO);
    }

    @Test
    void failureMarkedAsSuccessCountsAsSuccessIsNotRetriedAndReachesTheCallerUnwrapped() {
        IOException original = new IOException("already there");
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> pipeline.call(() -> {
            calls.incrementAndGet();
            throw Outcomes.markAsSuccess(original);
        })).isSameAs(original);

        assertThat(calls).hasValue(1);
        assertThat(breaker.successfulCalls()).isEqualTo(1);
        assertThat(breaker.failedCalls()).isZero();
        assertThat(retry.successfulWithoutRetry()).isEqualTo(1);
        assertThat(retry.failedWithoutRetry()).isZero();
    }

    @Test
    void uncheckedOriginalReachesASupplierCallerUnwrapped() {
        IllegalStateException original = new IllegalStateException("conflict");

        assertThatThrownBy(() -> pipeline.get(() -> {
            throw Outcomes.ignore(original);
        })).isSameAs(original);
    }

    @Test
    void markedFailureReachesAnAsyncCallerUnwrapped() {
        IOException original = new IOException("404");
        AtomicInteger calls = new AtomicInteger();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            calls.incrementAndGet();
            return CompletableFuture.failedFuture(Outcomes.ignore(original));
        });

        assertThat(result.handle((value, failure) -> failure).join()).isSameAs(original);
        assertThat(calls).hasValue(1);
        assertThat(breaker.ignoredCalls()).isEqualTo(1);
        assertThat(clock.pendingTasks()).isZero();
    }

    @Test
    void fallbackSeesTheOriginalFailure() throws Exception {
        IOException original = new IOException("404");
        ResiliencePipeline withFallback = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker)
                .fallback(dev.resilience.core.fallback.Fallback.of("backend",
                        failure -> "fallback for " + failure.getMessage()))
                .build();

        assertThat(withFallback.<String>call(() -> {
            throw Outcomes.ignore(original);
        })).isEqualTo("fallback for 404");
    }
}

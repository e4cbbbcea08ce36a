package dev.resilience.core.retry;

import dev.resilience.core.RetryAfterHint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.test.ManualClock;
import dev.resilience.core.Outcomes;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;

class RetryTest {

    private final ManualClock clock = new ManualClock();

    private Retry retry(RetryConfig.Builder config) {
        return Retry.of("backend", config.build(), clock);
    }

    // ---- delay computation ---------------------------------------------------------------------------------

    @Test
    void fixedBackoffWaitsTheSameBeforeEveryRetry() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(200)));

        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(retry.delayNanos(attempt, new IOException())).isEqualTo(Duration.ofMillis(200).toNanos());
        }
    }

    @Test
    void exponentialBackoffMultipliesEachWait() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(100)).backoffMultiplier(2.0));

        assertThat(retry.delayNanos(1, new IOException())).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(retry.delayNanos(2, new IOException())).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(retry.delayNanos(3, new IOException())).isEqualTo(Duration.ofMillis(400).toNanos());
        assertThat(retry.delayNanos(4, new IOException())).isEqualTo(Duration.ofMillis(800).toNanos());
    }

    @Test
    void exponentialBackoffIsCappedByMaxWaitDuration() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(100)).backoffMultiplier(10)
                .maxWaitDuration(Duration.ofSeconds(1)));

        assertThat(retry.delayNanos(2, new IOException())).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(retry.delayNanos(3, new IOException())).isEqualTo(Duration.ofSeconds(1).toNanos());
        // Far beyond what a long can hold before capping: still the cap, never an overflow.
        assertThat(retry.delayNanos(400, new IOException())).isEqualTo(Duration.ofSeconds(1).toNanos());
    }

    @Test
    void jitterSpreadsEachWaitWithinItsFraction() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(1000)).jitter(0.5));
        long low = Duration.ofMillis(500).toNanos();
        long high = Duration.ofMillis(1500).toNanos();

        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 20_000; i++) {
            long delay = retry.delayNanos(1, new IOException());
            assertThat(delay).isBetween(low, high);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
        }
        // The whole range is used, not just a corner of it.
        assertThat(min).isLessThan(Duration.ofMillis(550).toNanos());
        assertThat(max).isGreaterThan(Duration.ofMillis(1450).toNanos());
    }

    @Test
    void jitterAppliesAfterTheCapSoWaitsAtTheCapStillSpread() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofSeconds(1)).backoffMultiplier(10)
                .jitter(0.2).maxWaitDuration(Duration.ofSeconds(5)));
        long cap = Duration.ofSeconds(5).toNanos();

        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int atTheCap = 0;
        for (int i = 0; i < 20_000; i++) {
            long delay = retry.delayNanos(4, new IOException()); // 1s * 10^3, far beyond the cap
            assertThat(delay).isBetween(Duration.ofSeconds(4).toNanos(), cap);
            min = Math.min(min, delay);
            max = Math.max(max, delay);
            atTheCap += delay == cap ? 1 : 0;
        }
        assertThat(min).as("spread down to cap * (1 - jitter)").isLessThan(Duration.ofMillis(4050).toNanos());
        assertThat(max).isGreaterThan(Duration.ofMillis(4950).toNanos());
        assertThat(atTheCap).as("no pile of waits at exactly the cap, where many clients would meet").isLessThan(10);
    }

    @Test
    void jitteredExponentialWaitNeverExceedsTheCap() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(400)).backoffMultiplier(2)
                .jitter(1.0).maxWaitDuration(Duration.ofSeconds(1)));

        for (int i = 0; i < 10_000; i++) {
            assertThat(retry.delayNanos(1 + i % 5, new IOException()))
                    .isBetween(0L, Duration.ofSeconds(1).toNanos());
        }
    }

    @Test
    void retryAfterHintReplacesTheBackoff() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(100)).backoffMultiplier(2).jitter(0.5));

        assertThat(retry.delayNanos(3, new ServiceBusy(Duration.ofSeconds(7))))
                .isEqualTo(Duration.ofSeconds(7).toNanos());
    }

    @Test
    void retryAfterHintIsFoundInTheCauseChain() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(100)));
        Exception wrapped = new IllegalStateException("call failed",
                new UncheckedIOException(new IOException("io", new ServiceBusy(Duration.ofSeconds(2)))));

        assertThat(retry.delayNanos(1, wrapped)).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void retryAfterHintIsCappedByMaxWaitDuration() {
        Retry retry = retry(RetryConfig.builder().maxWaitDuration(Duration.ofSeconds(30)));

        assertThat(retry.delayNanos(1, new ServiceBusy(Duration.ofMinutes(5))))
                .isEqualTo(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void retryAfterHintTooLongForNanosecondsIsCappedNotAnOverflow() {
        Retry retry = retry(RetryConfig.builder().maxWaitDuration(Duration.ofSeconds(30)));

        assertThat(retry.delayNanos(1, new ServiceBusy(Duration.ofSeconds(Long.MAX_VALUE))))
                .isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(retry.delayNanos(1, new ServiceBusy(Duration.ofSeconds(Long.MIN_VALUE)))).isZero();
    }

    @Test
    void waitsAndBudgetTooLongForNanosecondsAreAcceptedAsEndless() {
        Duration endless = Duration.ofSeconds(Long.MAX_VALUE);
        Retry retry = retry(RetryConfig.builder().waitDuration(endless).maxWaitDuration(endless)
                .maxDuration(endless));

        assertThat(retry.delayNanos(1, new IllegalStateException("busy"))).isEqualTo(Long.MAX_VALUE);
        assertThat(retry.withinBudget(clock.nanoTime(), Duration.ofHours(1).toNanos())).isTrue();
    }

    @Test
    void emptyRetryAfterHintFallsBackToTheBackoff() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(300)));

        assertThat(retry.delayNanos(1, new ServiceBusy(null))).isEqualTo(Duration.ofMillis(300).toNanos());
    }

    @Test
    void negativeRetryAfterHintMeansRetryAtOnce() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(300)));

        assertThat(retry.delayNanos(1, new ServiceBusy(Duration.ofSeconds(-3)))).isZero();
    }

    @Test
    void resultRetryUsesTheBackoff() {
        Retry retry = retry(RetryConfig.builder().waitDuration(Duration.ofMillis(300)).backoffMultiplier(3));

        assertThat(retry.delayNanos(2, null)).isEqualTo(Duration.ofMillis(900).toNanos());
    }

    // ---- which failures are retried ------------------------------------------------------------------------

    @Test
    void everyExceptionIsRetriedByDefault() {
        Retry retry = Retry.ofDefaults("backend");

        assertThat(retry.isRetryable(new IOException())).isTrue();
        assertThat(retry.isRetryable(new IllegalStateException())).isTrue();
        assertThat(retry.isRetryable(new Exception())).isTrue();
    }

    @Test
    void retryExceptionsLimitRetriesToThoseTypesAndTheirSubclasses() {
        Retry retry = retry(RetryConfig.builder().retryExceptions(IOException.class));

        assertThat(retry.isRetryable(new IOException())).isTrue();
        assertThat(retry.isRetryable(new SocketTimeoutException())).isTrue();
        assertThat(retry.isRetryable(new IllegalStateException())).isFalse();
    }

    @Test
    void ignoreExceptionsWinOverRetryExceptions() {
        Retry retry = retry(RetryConfig.builder().retryExceptions(IOException.class)
                .ignoreExceptions(SocketTimeoutException.class));

        assertThat(retry.isRetryable(new IOException())).isTrue();
        assertThat(retry.isRetryable(new SocketTimeoutException())).isFalse();
    }

    @Test
    void ignoreExceptionsAloneExcludeOnlyThoseTypes() {
        Retry retry = retry(RetryConfig.builder().ignoreExceptions(IllegalArgumentException.class));

        assertThat(retry.isRetryable(new NumberFormatException())).isFalse();
        assertThat(retry.isRetryable(new IllegalStateException())).isTrue();
    }

    @Test
    void anOpenBreakerIsJustAnotherExceptionToTheRetryAlone() {
        // Not retrying into an open breaker is the composition's rule: see ResiliencePipelineTest.
        assertThat(Retry.ofDefaults("backend").isRetryable(openBreaker())).isTrue();
    }

    @Test
    void outcomesMarkedByTheCallerAreNeverRetried() {
        Retry retry = Retry.ofDefaults("backend");

        assertThat(retry.isRetryable(Outcomes.ignore(new IOException()))).isFalse();
        assertThat(retry.isRetryable(Outcomes.markAsSuccess(new IOException()))).isFalse();
    }

    @Test
    void interruptionIsNeverRetried() {
        assertThat(Retry.ofDefaults("backend").isRetryable(new InterruptedException())).isFalse();
    }

    @Test
    void resultsAreAcceptableWithoutAResultPredicate() {
        assertThat(Retry.ofDefaults("backend").isRetryableResult(null)).isFalse();
        assertThat(Retry.ofDefaults("backend").isRetryableResult("anything")).isFalse();
    }

    @Test
    void resultPredicateSelectsUnacceptableResults() {
        Retry retry = retry(RetryConfig.builder().retryOnResult(result -> "busy".equals(result)));

        assertThat(retry.isRetryableResult("busy")).isTrue();
        assertThat(retry.isRetryableResult("done")).isFalse();
    }

    // ---- time budget ---------------------------------------------------------------------------------------

    @Test
    void unboundedBudgetAllowsAnyWait() {
        Retry retry = retry(RetryConfig.builder());
        clock.advance(Duration.ofDays(1));

        assertThat(retry.withinBudget(0, Duration.ofDays(365).toNanos())).isTrue();
    }

    @Test
    void budgetCountsTimeAlreadySpentPlusTheNextWait() {
        Retry retry = retry(RetryConfig.builder().maxDuration(Duration.ofSeconds(3)));
        long start = clock.nanoTime();
        clock.advance(Duration.ofSeconds(2));

        assertThat(retry.withinBudget(start, Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(retry.withinBudget(start, Duration.ofSeconds(1).toNanos() + 1)).isFalse();
    }

    // ---- counters and events through the pipeline ----------------------------------------------------------

    @Test
    void countsEachKindOfOutcome() {
        Retry retry = retry(RetryConfig.builder().maxAttempts(3).ignoreExceptions(IllegalArgumentException.class));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        pipeline.get(() -> "first try");
        AtomicInteger calls = new AtomicInteger();
        pipeline.get(() -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky");
            }
            return "second try";
        });
        assertThatThrownBy(() -> pipeline.get(() -> {
            throw new IllegalStateException("down");
        })).hasMessage("down");
        assertThatThrownBy(() -> pipeline.get(() -> {
            throw new IllegalArgumentException("bad request");
        })).hasMessage("bad request");

        assertThat(retry.successfulWithoutRetry()).isEqualTo(1);
        assertThat(retry.successfulWithRetry()).isEqualTo(1);
        assertThat(retry.failedWithRetry()).isEqualTo(1);
        assertThat(retry.failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void unacceptableResultAfterTheLastAttemptCountsAsFailedWithRetry() {
        Retry retry = retry(RetryConfig.builder().maxAttempts(2).retryOnResult(result -> result == null));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        assertThat(pipeline.get(() -> (String) null)).isNull();

        assertThat(retry.failedWithRetry()).isEqualTo(1);
        assertThat(retry.successfulWithRetry()).isZero();
    }

    @Test
    void publishesEachScheduledRetryWithItsAttemptAndDelayThenTheOutcome() {
        Retry retry = retry(RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                .backoffMultiplier(2));
        List<ResilienceEvent> events = new ArrayList<>();
        retry.events().onEvent(events::add);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        IOException first = new IOException("first");
        IOException second = new IOException("second");
        AtomicInteger calls = new AtomicInteger();

        String result = pipeline.get(() -> {
            switch (calls.incrementAndGet()) {
                case 1 -> throw new UncheckedIOException(first);
                case 2 -> throw new UncheckedIOException(second);
                default -> {
                    return "ok";
                }
            }
        });

        assertThat(result).isEqualTo("ok");
        assertThat(events).extracting(ResilienceEvent::type)
                .containsExactly(EventType.RETRY_SCHEDULED, EventType.RETRY_SCHEDULED, EventType.RETRY_SUCCEEDED);
        assertThat(events.get(0).detail()).isEqualTo("attempt 1 failed, next in 100ms");
        assertThat(events.get(0).duration()).isEqualTo(Duration.ofMillis(100));
        assertThat(events.get(0).error()).hasCause(first);
        assertThat(events.get(1).detail()).isEqualTo("attempt 2 failed, next in 200ms");
        assertThat(events.get(1).duration()).isEqualTo(Duration.ofMillis(200));
        assertThat(events.get(2).detail()).isEqualTo("succeeded after 3 attempts");
        assertThat(events).extracting(ResilienceEvent::name).containsOnly("backend");
    }

    @Test
    void publishesExhaustionWithTheLastFailure() {
        Retry retry = retry(RetryConfig.builder().maxAttempts(2));
        List<ResilienceEvent> exhausted = new ArrayList<>();
        retry.events().subscribe(java.util.EnumSet.of(EventType.RETRY_EXHAUSTED), exhausted::add);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        IllegalStateException last = new IllegalStateException("still down");
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> pipeline.get(() -> {
            throw calls.incrementAndGet() == 1 ? new IllegalStateException("down") : last;
        })).isSameAs(last);

        assertThat(exhausted).singleElement().satisfies(event -> {
            assertThat(event.detail()).isEqualTo("gave up after 2 attempts");
            assertThat(event.error()).isSameAs(last);
        });
    }

    private static CircuitBreakerOpenException openBreaker() {
        return new CircuitBreakerOpenException("backend", CircuitBreaker.State.OPEN, Duration.ofSeconds(5), false);
    }

    /** A failure that carries a server's Retry-After. */
    static final class ServiceBusy extends RuntimeException implements RetryAfterHint {
        private static final long serialVersionUID = 1L;
        private final transient Duration retryAfter;

        ServiceBusy(Duration retryAfter) {
            super("503 Service Unavailable");
            this.retryAfter = retryAfter;
        }

        @Override
        public Optional<Duration> retryAfter() {
            return Optional.ofNullable(retryAfter);
        }
    }
}

package dev.resilience.core.pipeline;

import dev.resilience.test.ManualClock;
import dev.resilience.core.Outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.bulkhead.InFlightCall;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutExceededException;

class ResiliencePipelineTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Throwable> fallbackSaw = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private Retry retry(int maxAttempts, Duration wait) {
        return Retry.of("retry", RetryConfig.builder().maxAttempts(maxAttempts).waitDuration(wait).build(), clock);
    }

    /** A breaker that does not open within these tests unless asked to. */
    private CircuitBreaker patientBreaker() {
        return CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().slidingWindowSize(100).minimumNumberOfCalls(100).build(), clock);
    }

    /** A breaker that opens after two failed calls. */
    private CircuitBreaker touchyBreaker() {
        return CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().slidingWindowSize(2)
                .minimumNumberOfCalls(2).failureRateThreshold(50).build(), clock);
    }

    private Timeout timeout(Duration duration) {
        return Timeout.of("timeout", TimeoutConfig.of(duration), clock);
    }

    private Bulkhead bulkhead(int maxConcurrentCalls) {
        return Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(maxConcurrentCalls).build(), clock);
    }

    private Fallback<String> recordingFallback() {
        return Fallback.of("fallback", failure -> {
            fallbackSaw.add(failure);
            return "fallback";
        });
    }

    // ---- plain calls ---------------------------------------------------------------------------------------

    @Test
    void withoutPoliciesRunsTheCallAsIs() throws Exception {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().build();
        AtomicInteger ran = new AtomicInteger();

        assertThat(pipeline.call(() -> "call")).isEqualTo("call");
        assertThat(pipeline.get(() -> "get")).isEqualTo("get");
        pipeline.run(ran::incrementAndGet);

        assertThat(ran).hasValue(1);
    }

    @Test
    void checkedExceptionPassesThroughCallUnchangedAfterRetries() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(3, Duration.ofMillis(100)))
                .circuitBreaker(patientBreaker()).timeout(timeout(Duration.ofSeconds(5))).bulkhead(bulkhead(2))
                .build();
        IOException last = new IOException("third");

        assertThatThrownBy(() -> pipeline.call(() -> {
            throw calls.incrementAndGet() < 3 ? new IOException("earlier") : last;
        })).isSameAs(last);
        assertThat(calls).hasValue(3);
    }

    @Test
    void errorPassesThroughExecuteUnchanged() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(2, Duration.ZERO)).build();
        AssertionError error = new AssertionError("boom");

        assertThatThrownBy(() -> pipeline.execute(() -> {
            calls.incrementAndGet();
            throw error;
        })).isSameAs(error);
        assertThat(calls).hasValue(2);
    }

    @Test
    void runnableIsRetried() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(3, Duration.ofMillis(10))).build();

        pipeline.run(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
        });

        assertThat(calls).hasValue(3);
    }

    // ---- the nesting order ---------------------------------------------------------------------------------

    @Test
    void everyRetryAttemptPassesThroughBreakerTimeoutAndBulkheadAgain() {
        Retry retry = retry(3, Duration.ofMillis(100));
        CircuitBreaker breaker = patientBreaker();
        Timeout timeout = timeout(Duration.ofSeconds(5));
        Bulkhead bulkhead = bulkhead(1);
        List<ResilienceEvent> entered = new ArrayList<>();
        bulkhead.events().subscribe(java.util.EnumSet.of(EventType.BULKHEAD_ENTERED), entered::add);
        List<Integer> activeInsideCall = new ArrayList<>();
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(recordingFallback()).retry(retry)
                .circuitBreaker(breaker).timeout(timeout).bulkhead(bulkhead).build();

        String result = pipeline.get(() -> {
            calls.incrementAndGet();
            activeInsideCall.add(bulkhead.activeCalls());
            throw new IllegalStateException("down");
        });

        assertThat(result).isEqualTo("fallback");
        assertThat(calls).hasValue(3);
        assertThat(entered).hasSize(3);
        assertThat(activeInsideCall).containsExactly(1, 1, 1);
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(timeout.failedCalls()).isEqualTo(3);
        assertThat(breaker.failedCalls()).isEqualTo(3);
        assertThat(retry.failedWithRetry()).isEqualTo(1);
        assertThat(fallbackSaw).hasSize(1);
    }

    @Test
    void eventsOfOneCallShowTheNestingFromBulkheadOutToFallback() {
        Retry retry = retry(3, Duration.ofMillis(100));
        CircuitBreaker breaker = patientBreaker();
        Timeout timeout = timeout(Duration.ofSeconds(5));
        Bulkhead bulkhead = bulkhead(1);
        Fallback<String> fallback = recordingFallback();
        List<String> log = new ArrayList<>();
        for (EventPublisher events : List.of(retry.events(), breaker.events(), timeout.events(), bulkhead.events(),
                fallback.events())) {
            events.onEvent(event -> log.add(event.name() + ":" + event.type()));
        }
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(fallback).retry(retry)
                .circuitBreaker(breaker).timeout(timeout).bulkhead(bulkhead).build();

        pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        });

        assertThat(log).containsExactly(
                "bulkhead:BULKHEAD_ENTERED", "bulkhead:BULKHEAD_EXITED", "breaker:ERROR", "retry:RETRY_SCHEDULED",
                "bulkhead:BULKHEAD_ENTERED", "bulkhead:BULKHEAD_EXITED", "breaker:ERROR", "retry:RETRY_SCHEDULED",
                "bulkhead:BULKHEAD_ENTERED", "bulkhead:BULKHEAD_EXITED", "breaker:ERROR", "retry:RETRY_EXHAUSTED",
                "fallback:FALLBACK_USED");
    }

    @Test
    void nestingOrderDoesNotDependOnTheOrderOfTheBuilderCalls() throws InterruptedException {
        Bulkhead bulkhead = bulkhead(1);
        CircuitBreaker breaker = patientBreaker();
        Retry retry = retry(3, Duration.ofMillis(100));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead).fallback(recordingFallback())
                .circuitBreaker(breaker).retry(retry).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");
        try {
            assertThat(pipeline.get(() -> "never runs")).isEqualTo("fallback");
        } finally {
            heldElsewhere.release();
        }

        // Retry outside the bulkhead: each attempt was rejected again. Breaker outside the bulkhead: it saw
        // each rejection and did not count it. Fallback outermost: it saw the last rejection.
        assertThat(bulkhead.rejectedCalls()).isEqualTo(3);
        assertThat(breaker.ignoredCalls()).isEqualTo(3);
        assertThat(breaker.failedCalls()).isZero();
        assertThat(fallbackSaw).singleElement().isInstanceOf(BulkheadFullException.class);
    }

    @Test
    void aHalfOpenTrialRejectedByAFullBulkheadHandsItsTrialBack() throws InterruptedException {
        CircuitBreaker breaker = CircuitBreaker.of("breaker",
                CircuitBreakerConfig.builder().permittedCallsInHalfOpenState(1).build(), clock);
        breaker.transitionTo(CircuitBreaker.State.HALF_OPEN);
        Bulkhead bulkhead = bulkhead(1);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).bulkhead(bulkhead).build();
        Bulkhead.Permit heldElsewhere = bulkhead.acquire("another call");
        try {
            assertThatThrownBy(() -> pipeline.get(() -> "never runs")).isInstanceOf(BulkheadFullException.class);
        } finally {
            heldElsewhere.release();
        }

        assertThat(breaker.ignoredCalls()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(pipeline.get(() -> "the trial")).as("the trial permit came back").isEqualTo("the trial");
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aFunctionWithItsArgumentRunsThroughThePolicies() throws Throwable {
        Retry retry = retry(3, Duration.ZERO);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).fallback(recordingFallback()).build();
        AtomicInteger attempts = new AtomicInteger();

        String result = pipeline.execute((String name) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
            return "hello " + name;
        }, "ann");
        String recovered = pipeline.execute((String name) -> {
            throw new IllegalStateException("never for " + name);
        }, "bob");

        assertThat(result).isEqualTo("hello ann");
        assertThat(recovered).as("the fallback's own function, not the argument").isEqualTo("fallback");
    }

    @Test
    void breakerRecordsATimeoutAsAFailureBecauseTheTimeoutIsInsideIt() {
        CircuitBreaker breaker = patientBreaker();
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout(Duration.ofSeconds(1)))
                .circuitBreaker(breaker).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            clock.advance(Duration.ofSeconds(2));
            return "late";
        })).isInstanceOf(TimeoutExceededException.class)
                .hasMessage("timeout 'timeout' exceeded: the call did not finish within 1000ms");

        assertThat(breaker.failedCalls()).isEqualTo(1);
        assertThat(breaker.successfulCalls()).isZero();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void eachRetryAttemptGetsItsOwnTimeout() {
        Timeout timeout = timeout(Duration.ofSeconds(1));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(3, Duration.ofMillis(100)))
                .timeout(timeout).build();

        String result = pipeline.get(() -> {
            // The first two attempts are too slow; the third is quick enough.
            if (calls.incrementAndGet() < 3) {
                clock.advance(Duration.ofSeconds(2));
            }
            return "attempt " + calls.get();
        });

        assertThat(result).isEqualTo("attempt 3");
        assertThat(timeout.timedOutCalls()).isEqualTo(2);
        assertThat(timeout.successfulCalls()).isEqualTo(1);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void openBreakerRejectsBeforeTheBulkheadIsEntered() {
        CircuitBreaker breaker = patientBreaker();
        breaker.transitionTo(CircuitBreaker.State.FORCED_OPEN);
        Bulkhead bulkhead = bulkhead(1);
        List<ResilienceEvent> bulkheadEvents = new ArrayList<>();
        bulkhead.events().onEvent(bulkheadEvents::add);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).bulkhead(bulkhead).build();

        assertThatThrownBy(() -> pipeline.get(() -> "never runs")).isInstanceOf(CircuitBreakerOpenException.class);

        assertThat(bulkheadEvents).isEmpty();
        assertThat(breaker.notPermittedCalls()).isEqualTo(1);
    }

    @Test
    void bulkheadShowsTheCallUnderItsDescriptionWhileItRuns() {
        Bulkhead bulkhead = bulkhead(2);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().bulkhead(bulkhead)
                .description("InventoryClient.fetch").build();
        AtomicReference<List<InFlightCall>> during = new AtomicReference<>();

        pipeline.run(() -> during.set(bulkhead.inFlightCalls()));

        assertThat(during.get()).singleElement().extracting(InFlightCall::call).isEqualTo("InventoryClient.fetch");
        assertThat(bulkhead.inFlightCalls()).isEmpty();
        assertThat(pipeline.description()).isEqualTo("InventoryClient.fetch");
    }

    // ---- retry and fallback together -----------------------------------------------------------------------

    @Test
    void fallbackSeesTheFinalFailureAfterAllRetries() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(recordingFallback())
                .retry(retry(3, Duration.ofMillis(100))).build();
        List<RuntimeException> thrown = new ArrayList<>();

        String result = pipeline.get(() -> {
            RuntimeException failure = new IllegalStateException("attempt " + calls.incrementAndGet());
            thrown.add(failure);
            throw failure;
        });

        assertThat(result).isEqualTo("fallback");
        assertThat(thrown).hasSize(3);
        assertThat(fallbackSaw).containsExactly(thrown.get(2));
    }

    @Test
    void breakerOpeningMidRetryStopsTheRetriesAndTheFallbackSeesTheRejection() {
        Retry retry = retry(5, Duration.ofMillis(100));
        CircuitBreaker breaker = touchyBreaker();
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(recordingFallback()).retry(retry)
                .circuitBreaker(breaker).build();

        String result = pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        });

        assertThat(result).isEqualTo("fallback");
        assertThat(calls).hasValue(2);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(breaker.notPermittedCalls()).isEqualTo(1);
        assertThat(fallbackSaw).singleElement().isInstanceOfSatisfying(CircuitBreakerOpenException.class,
                rejection -> assertThat(rejection.circuitBreakerName()).isEqualTo("breaker"));
        assertThat(retry.failedWithRetry()).isEqualTo(1);
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void withoutFallbackTheCallerGetsTheRejectionOfTheBreakerThatOpenedMidRetry() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(5, Duration.ofMillis(100)))
                .circuitBreaker(touchyBreaker()).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        })).isInstanceOf(CircuitBreakerOpenException.class)
                .hasMessageStartingWith("circuit breaker 'breaker' is OPEN and does not permit calls for another");
        assertThat(calls).hasValue(2);
    }

    @Test
    void retryExceptionsNamingTheOpenBreakerKeepRetryingIntoIt() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(5).waitDuration(Duration.ofMillis(100))
                .retryExceptions(IllegalStateException.class, CircuitBreakerOpenException.class).build(), clock);
        CircuitBreaker breaker = touchyBreaker();
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        })).isInstanceOf(CircuitBreakerOpenException.class);
        assertThat(calls).hasValue(2);
        assertThat(breaker.notPermittedCalls()).isEqualTo(3);
    }

    @Test
    void failureThatIsNotRetriedGoesStraightToTheFallback() {
        Retry retry = Retry.of("retry", RetryConfig.builder().ignoreExceptions(IllegalArgumentException.class)
                .build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(recordingFallback()).retry(retry).build();
        IllegalArgumentException badRequest = new IllegalArgumentException("bad request");

        assertThat(pipeline.<String>get(() -> {
            calls.incrementAndGet();
            throw badRequest;
        })).isEqualTo("fallback");
        assertThat(calls).hasValue(1);
        assertThat(fallbackSaw).containsExactly(badRequest);
        assertThat(retry.failedWithoutRetry()).isEqualTo(1);
    }

    @Test
    void outcomeMarkedByTheCallIsUnwrappedAfterPassingEveryPolicy() {
        CircuitBreaker breaker = patientBreaker();
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry(3, Duration.ofMillis(100)))
                .circuitBreaker(breaker).timeout(timeout(Duration.ofSeconds(5))).bulkhead(bulkhead(1)).build();
        IOException notFound = new IOException("404");

        assertThatThrownBy(() -> pipeline.call(() -> {
            calls.incrementAndGet();
            throw Outcomes.ignore(notFound);
        })).isSameAs(notFound);
        assertThat(calls).hasValue(1);
        assertThat(breaker.ignoredCalls()).isEqualTo(1);
    }

    // ---- results -------------------------------------------------------------------------------------------

    @Test
    void unacceptableResultIsRetriedUntilAnAcceptableOne() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(4)
                .retryOnResult(result -> "pending".equals(result)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        String result = pipeline.get(() -> calls.incrementAndGet() < 3 ? "pending" : "done");

        assertThat(result).isEqualTo("done");
        assertThat(calls).hasValue(3);
        assertThat(retry.successfulWithRetry()).isEqualTo(1);
    }

    @Test
    void lastUnacceptableResultIsReturnedWhenAttemptsRunOut() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3)
                .retryOnResult(result -> ((String) result).startsWith("pending")).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).fallback(recordingFallback()).build();

        String result = pipeline.get(() -> "pending " + calls.incrementAndGet());

        assertThat(result).isEqualTo("pending 3");
        assertThat(fallbackSaw).isEmpty();
        assertThat(retry.failedWithRetry()).isEqualTo(1);
    }

    // ---- time ----------------------------------------------------------------------------------------------

    @Test
    void retryWaitsAreTakenFromTheClock() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(4).waitDuration(Duration.ofMillis(100))
                .backoffMultiplier(2).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        List<Long> startedAt = new ArrayList<>();

        assertThatThrownBy(() -> pipeline.get(() -> {
            startedAt.add(clock.nanoTime());
            throw new IllegalStateException("down");
        })).hasMessage("down");

        assertThat(startedAt).containsExactly(0L, ms(100), ms(300), ms(700));
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void retryAfterHintOfTheFailureDecidesTheWaitCappedByMaxWaitDuration() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ofMillis(100))
                .maxWaitDuration(Duration.ofSeconds(5)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        List<Long> startedAt = new ArrayList<>();

        String result = pipeline.get(() -> {
            startedAt.add(clock.nanoTime());
            switch (startedAt.size()) {
                case 1 -> throw new TooManyRequests(Duration.ofSeconds(2));
                case 2 -> throw new IllegalStateException("wrapped", new TooManyRequests(Duration.ofMinutes(1)));
                default -> {
                    return "ok";
                }
            }
        });

        assertThat(result).isEqualTo("ok");
        assertThat(startedAt).containsExactly(0L, ms(2_000), ms(7_000));
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void resultPredicateThatThrowsReachesTheCaller() {
        IllegalStateException broken = new IllegalStateException("predicate broke");
        Retry retry = Retry.of("retry", RetryConfig.builder().retryOnResult(result -> {
            throw broken;
        }).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        assertThatThrownBy(() -> pipeline.get(() -> "value")).isSameAs(broken);
    }

    @Test
    void maxDurationStopsRetryingWhenTheNextWaitWouldExceedIt() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(10).waitDuration(Duration.ofSeconds(1))
                .maxDuration(Duration.ofMillis(2500)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        })).hasMessage("down");

        // Attempts at 0s, 1s and 2s; a fourth at 3s would end beyond the 2.5s budget.
        assertThat(calls).hasValue(3);
        assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(2));
        assertThat(retry.failedWithRetry()).isEqualTo(1);
    }

    @Test
    void maxDurationCountsTheTimeTheAttemptsTookToo() {
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(10).waitDuration(Duration.ofSeconds(1))
                .maxDuration(Duration.ofSeconds(3)).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        assertThatThrownBy(() -> pipeline.get(() -> {
            calls.incrementAndGet();
            clock.advance(Duration.ofSeconds(1));
            throw new IllegalStateException("slow and down");
        })).hasMessage("slow and down");

        // 0-1s attempt, 1-2s wait, 2-3s attempt; another wait would pass the 3s budget.
        assertThat(calls).hasValue(2);
    }

    @Test
    void interruptedRetryWaitStopsRetryingKeepsTheInterruptAndReportsTheLastFailure() {
        Retry retry = retry(3, Duration.ofMillis(100));
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        IllegalStateException failure = new IllegalStateException("down");

        assertThatThrownBy(() -> pipeline.get(() -> {
            calls.incrementAndGet();
            Thread.currentThread().interrupt();
            throw failure;
        })).isSameAs(failure);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(retry.failedWithoutRetry() + retry.failedWithRetry()).isEqualTo(1);
    }

    @Test
    void timesCallsWithTheClockOfItsPoliciesUnlessGivenOne() {
        CircuitBreaker slowAfterOneSecond = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder()
                .slowCallDurationThreshold(Duration.ofSeconds(1)).slowCallRateThreshold(100)
                .slidingWindowSize(1).minimumNumberOfCalls(1).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(slowAfterOneSecond).build();

        pipeline.run(() -> clock.advance(Duration.ofSeconds(2)));

        assertThat(slowAfterOneSecond.state()).isEqualTo(CircuitBreaker.State.OPEN);
    }

    // ---- listeners -----------------------------------------------------------------------------------------

    @Test
    void listenerThatThrowsNeverBreaksTheCall() {
        Retry retry = retry(3, Duration.ofMillis(100));
        CircuitBreaker breaker = patientBreaker();
        Timeout timeout = timeout(Duration.ofSeconds(1));
        Bulkhead bulkhead = bulkhead(1);
        Fallback<String> fallback = recordingFallback();
        for (EventPublisher events : List.of(retry.events(), breaker.events(), timeout.events(), bulkhead.events(),
                fallback.events())) {
            events.onEvent(event -> {
                throw new IllegalStateException("broken listener");
            });
        }
        ResiliencePipeline pipeline = ResiliencePipeline.builder().fallback(fallback).retry(retry)
                .circuitBreaker(breaker).timeout(timeout).bulkhead(bulkhead).build();

        String recovered = pipeline.get(() -> {
            if (calls.incrementAndGet() == 1) {
                clock.advance(Duration.ofSeconds(2));
            }
            if (calls.get() == 2) {
                throw new IllegalStateException("down");
            }
            return "recovered";
        });
        String fellBack = pipeline.get(() -> {
            throw new IllegalStateException("down");
        });

        assertThat(recovered).isEqualTo("recovered");
        assertThat(fellBack).isEqualTo("fallback");
        assertThat(retry.successfulWithRetry()).isEqualTo(1);
        assertThat(fallbackSaw).singleElement().extracting(Throwable::getMessage).isEqualTo("down");
        assertThat(bulkhead.activeCalls()).isZero();
    }

    /** A failure carrying a server's Retry-After. */
    static final class TooManyRequests extends RuntimeException implements dev.resilience.core.RetryAfterHint {
        private static final long serialVersionUID = 1L;
        private final transient Duration retryAfter;

        TooManyRequests(Duration retryAfter) {
            super("429 Too Many Requests");
            this.retryAfter = retryAfter;
        }

        @Override
        public java.util.Optional<Duration> retryAfter() {
            return java.util.Optional.of(retryAfter);
        }
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }
}

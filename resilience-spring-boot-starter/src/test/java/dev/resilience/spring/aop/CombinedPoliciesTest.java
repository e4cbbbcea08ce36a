package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.Outcomes;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker.State;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * All five annotations on one method nest as Fallback → Retry → CircuitBreaker → Timeout → Bulkhead → method,
 * whatever order they are written in. Each method uses its own instances, so the tests share one context.
 */
@SpringBootTest(classes = CombinedPoliciesTest.Config.class, properties = {
        "resilience.retry.configs.default.wait-duration=0ms",
        "resilience.retry.instances.all.max-attempts=3",
        "resilience.circuitbreaker.instances.all.sliding-window-size=100",
        "resilience.circuitbreaker.instances.all.minimum-number-of-calls=100",
        "resilience.timeout.instances.all.duration=5s",
        "resilience.bulkhead.instances.all.max-concurrent-calls=1",
        "resilience.retry.instances.persistent.max-attempts=5",
        "resilience.circuitbreaker.instances.opening.sliding-window-size=2",
        "resilience.circuitbreaker.instances.opening.minimum-number-of-calls=2",
        "resilience.circuitbreaker.instances.opening.failure-rate-threshold=50",
        "resilience.retry.instances.twice.max-attempts=2",
        "resilience.timeout.instances.short.duration=200ms",
        "resilience.bulkhead.instances.narrow.max-concurrent-calls=1",
        "resilience.bulkhead.instances.narrow.max-wait-duration=5s" })
class CombinedPoliciesTest {

    private static final ExecutorService executor = Executors.newSingleThreadExecutor();

    @Autowired
    Combined combined;

    @Autowired
    RetryRegistry retries;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    TimeoutRegistry timeouts;

    @Autowired
    BulkheadRegistry bulkheads;

    @AfterAll
    static void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyRetryAttemptPassesBreakerTimeoutAndBulkheadAndTheFallbackGetsTheFinalFailure() {
        Queue<String> log = combined.log();
        record(log, retries.instance("all").events(), "retry");
        record(log, breakers.instance("all").events(), "breaker");
        record(log, bulkheads.instance("all").events(), "bulkhead");

        assertThat(combined.everything("42")).isEqualTo("fallback for 42");

        assertThat(log).containsExactly(
                "bulkhead BULKHEAD_ENTERED", "method attempt 1", "bulkhead BULKHEAD_EXITED", "breaker ERROR",
                "retry RETRY_SCHEDULED",
                "bulkhead BULKHEAD_ENTERED", "method attempt 2", "bulkhead BULKHEAD_EXITED", "breaker ERROR",
                "retry RETRY_SCHEDULED",
                "bulkhead BULKHEAD_ENTERED", "method attempt 3", "bulkhead BULKHEAD_EXITED", "breaker ERROR",
                "retry RETRY_EXHAUSTED",
                "fallback got attempt 3 failed");
        assertThat(breakers.instance("all").snapshot().failedCalls()).isEqualTo(3);
        assertThat(timeouts.instance("all").failedCalls()).as("each attempt timed separately").isEqualTo(3);
        assertThat(retries.instance("all").failedWithRetry()).isEqualTo(1);
    }

    @Test
    void openBreakerStopsRetriesAndItsRejectionReachesTheFallback() {
        assertThat(combined.untilOpen()).isEqualTo("fallback after CircuitBreakerOpenException");
        assertThat(combined.calls("untilOpen")).as("two failures open the breaker; the third attempt is rejected")
                .isEqualTo(2);
        assertThat(breakers.instance("opening").state()).isEqualTo(State.OPEN);
        assertThat(breakers.instance("opening").notPermittedCalls()).isEqualTo(1);
        assertThat(combined.fallbackFailures("untilOpen")).hasSize(1).first()
                .isInstanceOf(CircuitBreakerOpenException.class);
    }

    @Test
    void timeoutInsideTheBreakerIsRecordedAsAFailureOfEachAttempt() throws InterruptedException {
        long start = System.nanoTime();
        assertThat(combined.tooSlow()).isEqualTo("fallback after TimeoutExceededException");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

        assertThat(combined.calls("tooSlow")).isEqualTo(2);
        assertThat(breakers.instance("Combined.tooSlow").snapshot().failedCalls()).isEqualTo(2);
        assertThat(timeouts.instance("short").timedOutCalls()).isGreaterThanOrEqualTo(2);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void timeoutAlsoLimitsTheWaitForABulkheadPermit() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> occupying = executor.submit(() -> combined.occupyNarrow(entered, release));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        try {
            long start = System.nanoTime();
            TimeoutExceededException timeout = catchThrowableOfType(TimeoutExceededException.class,
                    combined::waitForNarrow);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertThat(timeout.timeoutName()).isEqualTo("short");
            assertThat(elapsed).as("the 200ms timeout, not the 5s bulkhead wait").isLessThan(Duration.ofSeconds(2));
            assertThat(combined.calls("waitForNarrow")).isZero();
            assertThat(Thread.currentThread().isInterrupted()).isFalse();
        } finally {
            release.countDown();
        }
        assertThat(occupying.get(5, TimeUnit.SECONDS)).isEqualTo("occupied");
    }

    @Test
    void failureMarkedAsIgnoredReachesTheCallerUnwrappedWithoutRetryOrRecording() {
        Throwable thrown = catchThrowable(combined::notFound);
        assertThat(thrown).isExactlyInstanceOf(FileNotFoundException.class).hasMessage("no such order");
        assertThat(combined.calls("notFound")).as("not retried").isEqualTo(1);
        assertThat(breakers.instance("Combined.notFound").snapshot().failedCalls()).isZero();
        assertThat(breakers.instance("Combined.notFound").ignoredCalls()).isEqualTo(1);
    }

    private static void record(Queue<String> log, EventPublisher events, String policy) {
        events.onEvent(event -> log.add(policy + " " + event.type()));
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ResilienceAutoConfiguration.class)
    static class Config {
        @Bean
        Combined combined() {
            return new Combined();
        }
    }

    static class Combined {
        private final CallCounter counter = new CallCounter();
        private final Queue<String> log = new ConcurrentLinkedQueue<>();
        private final Map<String, Queue<Throwable>> fallbackFailures = new ConcurrentHashMap<>();

        public Queue<String> log() {
            return log;
        }

        public int calls(String method) {
            return counter.get(method);
        }

        public List<Throwable> fallbackFailures(String method) {
            return List.copyOf(fallbackFailures.getOrDefault(method, new ConcurrentLinkedQueue<>()));
        }

        // Written in the reverse of the nesting order on purpose: the order comes from the library.
        @Bulkhead(name = "all")
        @Timeout(name = "all")
        @CircuitBreaker(name = "all")
        @Retry(name = "all")
        @Fallback(method = "recoverEverything")
        public String everything(String id) {
            int attempt = counter.increment("everything");
            log.add("method attempt " + attempt);
            throw new IllegalStateException("attempt " + attempt + " failed");
        }

        private String recoverEverything(String id, Exception failure) {
            log.add("fallback got " + failure.getMessage());
            return "fallback for " + id;
        }

        @Fallback(method = "recoverUntilOpen")
        @Retry(name = "persistent")
        @CircuitBreaker(name = "opening")
        public String untilOpen() {
            throw new IllegalStateException("call " + counter.increment("untilOpen") + " failed");
        }

        private String recoverUntilOpen(Throwable failure) {
            fallbackFailures.computeIfAbsent("untilOpen", m -> new ConcurrentLinkedQueue<>()).add(failure);
            return "fallback after " + failure.getClass().getSimpleName();
        }

        @Fallback(method = "recoverTooSlow")
        @Retry(name = "twice")
        @CircuitBreaker
        @Timeout(name = "short")
        public String tooSlow() throws InterruptedException {
            counter.increment("tooSlow");
            Thread.sleep(5_000);
            return "too late";
        }

        private String recoverTooSlow(TimeoutExceededException timeout) {
            return "fallback after " + timeout.getClass().getSimpleName();
        }

        @Retry
        @CircuitBreaker
        public String notFound() throws FileNotFoundException {
            counter.increment("notFound");
            throw Outcomes.ignore(new FileNotFoundException("no such order"));
        }

        @Bulkhead(name = "narrow")
        public String occupyNarrow(CountDownLatch entered, CountDownLatch release) throws InterruptedException {
            entered.countDown();
            release.await(5, TimeUnit.SECONDS);
            return "occupied";
        }

        @Timeout(name = "short")
        @Bulkhead(name = "narrow")
        public String waitForNarrow() {
            counter.increment("waitForNarrow");
            return "entered";
        }
    }
}

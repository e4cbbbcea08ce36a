package dev.resilience.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;

/**
 * Many asynchronous calls at once through retry, breaker, timeout and a waiting bulkhead, some cancelled by
 * their callers, some completing at once, some later on other threads: never more work inside the bulkhead
 * than its places, every caller's future completes, and every place and queue entry is handed back.
 */
class AsyncConcurrencyTest {

    private static final int PLACES = 3;
    private static final int CALLERS = 4;
    private static final int CALLS_PER_CALLER = 500;

    @Test
    void theBulkheadNeverHoldsMoreWorkThanItsPlacesAndEverythingIsHandedBack() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(3);
        ScheduledExecutorService completer = Executors.newScheduledThreadPool(2);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        try {
            Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(PLACES)
                    .maxWaitDuration(Duration.ofSeconds(30)).build(), Clock.system());
            CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder()
                    .failureRateThreshold(100).build(), Clock.system());
            Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ZERO)
                    .build(), Clock.system());
            Timeout timeout = Timeout.of("timeout", TimeoutConfig.of(Duration.ofSeconds(30)), Clock.system());
            ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker)
                    .timeout(timeout).bulkhead(bulkhead).asyncExecutor(executor).build();

            AtomicInteger inside = new AtomicInteger();
            AtomicInteger highWater = new AtomicInteger();
            AtomicInteger invoked = new AtomicInteger();
            ConcurrentLinkedQueue<CompletableFuture<String>> results = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(CALLERS);

            for (int c = 0; c < CALLERS; c++) {
                callers.execute(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < CALLS_PER_CALLER; i++) {
                        // Per attempt (a failed one is retried): whether its work has ended.
                        AtomicReference<AtomicBoolean> attemptEnded = new AtomicReference<>(new AtomicBoolean(true));
                        int kind = random.nextInt(4);
                        CompletableFuture<String> result = pipeline.executeAsync(() -> {
                            AtomicBoolean ended = new AtomicBoolean();
                            attemptEnded.set(ended);
                            invoked.incrementAndGet();
                            highWater.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            CompletableFuture<String> work = new CompletableFuture<>();
                            if (kind == 0) {
                                end(ended, inside);
                                work.complete("at once");
                            } else {
                                completer.schedule(() -> {
                                    end(ended, inside);
                                    if (kind == 1) {
                                        work.completeExceptionally(new IllegalStateException("failed later"));
                                    } else {
                                        work.complete("later");
                                    }
                                }, random.nextInt(200), TimeUnit.MICROSECONDS);
                            }
                            return work;
                        });
                        if (kind == 3 && random.nextBoolean()) {
                            // The caller gives up: the work counts as ended before the place is handed back.
                            end(attemptEnded.get(), inside);
                            result.cancel(true);
                        }
                        results.add(result);
                    }
                    done.countDown();
                });
            }

            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            for (CompletableFuture<String> result : results) {
                result.handle((value, failure) -> null).get(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((bulkhead.activeCalls() != 0 || bulkhead.waitingCalls() != 0) && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // a late completion may still be releasing its place
            }

            assertThat(results).hasSize(CALLERS * CALLS_PER_CALLER).allSatisfy(result -> assertThat(result).isDone());
            assertThat(highWater.get()).as("work inside the bulkhead at once").isBetween(1, PLACES);
            assertThat(bulkhead.activeCalls()).isZero();
            assertThat(bulkhead.waitingCalls()).isZero();
            assertThat(bulkhead.availablePermits()).isEqualTo(PLACES);
            assertThat(invoked.get()).as("no call ran twice for one attempt").isLessThanOrEqualTo(2 * CALLERS
                    * CALLS_PER_CALLER);
            assertThat(timeout.timedOutCalls()).isZero();
        } finally {
            for (ExecutorService pool : List.of(callers, executor, completer)) {
                pool.shutdownNow();
            }
        }
    }

    private static void end(AtomicBoolean ended, AtomicInteger inside) {
        if (ended.compareAndSet(false, true)) {
            inside.decrementAndGet();
        }
    }
}

package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Many threads subscribing at once: never more inside than the bulkhead allows, every call counted once. */
class ConcurrentSubscriptionsTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 500;

    private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
    }

    @RepeatedTest(3)
    void neverMoreThanMaxConcurrentSubscriptionsInsideAndExactCounts() throws InterruptedException {
        Bulkhead bulkhead = Bulkhead.of("bulkhead", BulkheadConfig.builder().maxConcurrentCalls(3).build());
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build());
        ResilienceOperator<Integer> operator = ResilienceOperator.of(ResiliencePipeline.builder()
                .circuitBreaker(breaker).bulkhead(bulkhead).build());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        Mono<Integer> source = Mono.defer(() -> {
            int now = inside.incrementAndGet();
            mostInside.accumulateAndGet(now, Math::max);
            return Mono.just(now).delayElement(Duration.ofMillis(1), Schedulers.parallel())
                    .doOnNext(value -> inside.decrementAndGet()); // leaves before the value frees the place
        });
        Mono<Integer> protectedMono = operator.mono(source);
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(THREADS * PER_THREAD);

        for (int t = 0; t < THREADS; t++) {
            callers.execute(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    protectedMono.subscribe(value -> succeeded.incrementAndGet(), error -> {
                        (error instanceof BulkheadFullException ? rejected : other).incrementAndGet();
                        done.countDown();
                    }, done::countDown);
                }
            });
        }

        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(other).hasValue(0);
        assertThat(mostInside.get()).isLessThanOrEqualTo(3);
        assertThat(succeeded.get() + rejected.get()).isEqualTo(THREADS * PER_THREAD);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected.get());
        assertThat(breaker.successfulCalls()).isEqualTo(succeeded.get());
        assertThat(bulkhead.activeCalls()).isZero();
        assertThat(inside).hasValue(0);
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Retry;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * Many threads calling annotated methods through one JDK proxy at once, starting with the very first call (when
 * the interceptor maps the interface method to the bean's method): every call is accounted for exactly.
 */
class ConcurrentCallsTest {

    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 5_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues("spring.aop.proxy-target-class=false",
                    "resilience.bulkhead.instances.shared.max-concurrent-calls=2",
                    "resilience.retry.instances.counting.max-attempts=2",
                    "resilience.retry.instances.counting.wait-duration=0ms");

    @Test
    void bulkheadNeverLetsMoreThanItsLimitInAndEveryCallIsEitherServedOrRejected() {
        runner.run(context -> {
            Worker worker = context.getBean(Worker.class);
            Counters counters = context.getBean(Counters.class);
            assertThat(AopUtils.isJdkDynamicProxy(worker)).isTrue();

            List<int[]> outcomes = onThreads(() -> {
                int served = 0;
                int rejected = 0;
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    try {
                        worker.limited();
                        served++;
                    } catch (BulkheadFullException full) {
                        rejected++;
                    }
                }
                return new int[] { served, rejected };
            });

            int served = outcomes.stream().mapToInt(o -> o[0]).sum();
            int rejected = outcomes.stream().mapToInt(o -> o[1]).sum();
            assertThat(served + rejected).isEqualTo(THREADS * CALLS_PER_THREAD);
            assertThat(counters.entered.get()).isEqualTo(served);
            assertThat(counters.maxInside.get()).isBetween(1, 2);
            dev.resilience.core.bulkhead.Bulkhead bulkhead = context.getBean(BulkheadRegistry.class)
                    .instance("shared");
            assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected);
            assertThat(bulkhead.activeCalls()).isZero();
        });
    }

    @Test
    void retriedCallsFromManyThreadsCountExactly() {
        runner.run(context -> {
            Worker worker = context.getBean(Worker.class);
            Counters counters = context.getBean(Counters.class);
            onThreads(() -> {
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    assertThat(worker.succeedsOnSecondAttempt()).isEqualTo("ok");
                }
                return null;
            });
            assertThat(counters.attempts.get()).isEqualTo(2 * THREADS * CALLS_PER_THREAD);
            assertThat(context.getBean(RetryRegistry.class).instance("counting").successfulWithRetry())
                    .isEqualTo(THREADS * CALLS_PER_THREAD);
        });
    }

    private static <T> List<T> onThreads(Callable<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        Counters counters() {
            return new Counters();
        }

        @Bean
        Worker worker(Counters counters) {
            return new CountingWorker(counters);
        }
    }

    static final class Counters {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger maxInside = new AtomicInteger();
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();
    }

    interface Worker {
        @Bulkhead(name = "shared")
        void limited();

        @Retry(name = "counting")
        String succeedsOnSecondAttempt();
    }

    static class CountingWorker implements Worker {
        private final Counters counters;
        private final ThreadLocal<Boolean> failNext = ThreadLocal.withInitial(() -> true);

        CountingWorker(Counters counters) {
            this.counters = counters;
        }

        @Override
        public void limited() {
            counters.entered.incrementAndGet();
            counters.maxInside.accumulateAndGet(counters.inside.incrementAndGet(), Math::max);
            for (int i = 0; i < 50; i++) {
                Thread.onSpinWait();
            }
            counters.inside.decrementAndGet();
        }

        @Override
        public String succeedsOnSecondAttempt() {
            counters.attempts.incrementAndGet();
            boolean fail = failNext.get();
            failNext.set(!fail);
            if (fail) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        }
    }
}

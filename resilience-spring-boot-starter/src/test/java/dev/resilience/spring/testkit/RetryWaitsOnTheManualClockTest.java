package dev.resilience.spring.testkit;

import static dev.resilience.test.ResilienceAssertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Retry;
import dev.resilience.test.ManualClock;
import dev.resilience.test.spring.ResilienceTest;

/**
 * Without {@code zeroRetryWaits}: a synchronous retry's wait advances the manual clock and returns at once; an
 * asynchronous retry waits on the clock until the test advances it.
 */
@SpringBootTest(properties = { "resilience.retry.configs.default.max-attempts=2",
        "resilience.retry.configs.default.wait-duration=2s" })
@ResilienceTest
class RetryWaitsOnTheManualClockTest {

    @Autowired
    Flaky flaky;

    @Autowired
    ManualClock clock;

    @Test
    void aSynchronousWaitMovesTheClockAtOnce() {
        Duration slept = clock.slept();
        long before = clock.nanoTime();

        assertThat(flaky.call()).isEqualTo("second attempt");

        assertThat(clock.slept().minus(slept)).isEqualTo(Duration.ofSeconds(2));
        assertThat(clock.nanoTime() - before).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void anAsynchronousWaitEndsWhenTheTestAdvancesTheClock() throws Exception {
        CompletableFuture<String> result = flaky.callAsync();
        assertThat(result).isNotDone();

        clock.advance(Duration.ofMillis(1999));
        assertThat(result).isNotDone();
        clock.advance(Duration.ofMillis(1));

        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("second async attempt");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        Flaky flaky() {
            return new Flaky();
        }
    }

    static class Flaky {

        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicInteger asyncCalls = new AtomicInteger();

        @Retry(name = "flaky")
        public String call() {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "second attempt";
        }

        @Retry(name = "flakyAsync")
        public CompletableFuture<String> callAsync() {
            return asyncCalls.incrementAndGet() % 2 == 1
                    ? CompletableFuture.failedFuture(new IOException("first attempt fails"))
                    : CompletableFuture.completedFuture("second async attempt");
        }
    }
}

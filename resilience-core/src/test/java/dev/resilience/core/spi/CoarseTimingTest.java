package dev.resilience.core.spi;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;

/** Which clock reading times a call: precise below a one-second slow-call threshold, coarse above. */
class CoarseTimingTest {

    /** Precise time jumps 500ms per reading; coarse time never moves. */
    static final class SplitClock implements Clock {
        private final ManualClock delegate = new ManualClock();
        private long precise;

        @Override
        public synchronized long nanoTime() {
            precise += Duration.ofMillis(500).toNanos();
            return precise;
        }

        @Override
        public long coarseNanoTime() {
            return 0;
        }

        @Override
        public long currentTimeMillis() {
            return delegate.currentTimeMillis();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
            delegate.sleep(nanos);
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return delegate.schedule(task, delayNanos);
        }
    }

    private static CircuitBreaker breakerWithSlowThreshold(Duration threshold, Clock clock) {
        return CircuitBreaker.of("timed", CircuitBreakerConfig.builder().slowCallDurationThreshold(threshold)
                .minimumNumberOfCalls(1).slidingWindowSize(10).slowCallRateThreshold(100).build(), clock);
    }

    @Test
    void breakerWithSubSecondThresholdTimesCallsPrecisely() {
        CircuitBreaker breaker = breakerWithSlowThreshold(Duration.ofMillis(100), new SplitClock());
        assertThat(breaker.needsPreciseTiming()).isTrue();

        ResiliencePipeline.builder().circuitBreaker(breaker).build().get(() -> "ok");

        assertThat(breaker.snapshot().slowCalls()).isEqualTo(1);
    }

    @Test
    void breakerWithThresholdOfASecondOrMoreUsesTheCoarseClock() {
        CircuitBreaker breaker = breakerWithSlowThreshold(Duration.ofSeconds(1), new SplitClock());
        assertThat(breaker.needsPreciseTiming()).isFalse();

        ResiliencePipeline.builder().circuitBreaker(breaker).build().get(() -> "ok");

        assertThat(breaker.snapshot().slowCalls()).isZero();
        assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(1);
    }

    @Test
    void systemCoarseTimeTrailsNanoTimeByAFewMillisecondsAndAdvances() {
        Clock clock = Clock.system();
        long first = clock.coarseNanoTime();
        long precise = clock.nanoTime();
        assertThat(precise - first).isBetween(0L, Duration.ofSeconds(1).toNanos());

        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (clock.coarseNanoTime() == first && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
        assertThat(clock.coarseNanoTime()).isGreaterThan(first);
    }
}

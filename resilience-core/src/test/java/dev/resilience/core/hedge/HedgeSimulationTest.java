package dev.resilience.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

/**
 * The figures issue #15 asks for, measured on the manual clock (deterministic: a seeded downstream, time moved
 * by the test). A heavy-tailed downstream answers 95% of calls in 10 ms and 5% in 1 s; 4,000 calls arrive 5 ms
 * apart. Hedging with {@code delay: p95} brings the p99 seen by callers below 100 ms while the downstream gets
 * at most 10% more calls.
 */
class HedgeSimulationTest {

    private static final int CALLS = 4000;
    private static final Duration ARRIVAL = Duration.ofMillis(5);

    private final ManualClock clock = new ManualClock();

    /** A downstream whose latency is drawn per call from its own seeded random: 5% take a second. */
    private final class HeavyTailedDownstream {
        private final Random random = new Random(15);
        final AtomicInteger calls = new AtomicInteger();

        CompletableFuture<Object> call() {
            calls.incrementAndGet();
            Duration latency = random.nextDouble() < 0.05 ? Duration.ofSeconds(1) : Duration.ofMillis(10);
            CompletableFuture<Object> answer = new CompletableFuture<>();
            clock.schedule(() -> answer.complete("ok"), latency.toNanos()); // a cancelled answer stays cancelled
            return answer;
        }
    }

    /** Runs the workload through {@code pipeline}; returns each caller's latency in nanoseconds, sorted. */
    private long[] run(ResiliencePipeline pipeline, HeavyTailedDownstream downstream) {
        long[] latencies = new long[CALLS];
        AtomicInteger completed = new AtomicInteger();
        for (int i = 0; i < CALLS; i++) {
            int call = i;
            long start = clock.nanoTime();
            pipeline.executeAsync(downstream::call).whenComplete((value, failure) -> {
                assertThat(failure).isNull();
                latencies[call] = clock.nanoTime() - start;
                completed.incrementAndGet();
            });
            clock.advance(ARRIVAL);
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(completed.get()).isEqualTo(CALLS);
        Arrays.sort(latencies);
        return latencies;
    }

    private static Duration percentile(long[] sorted, double percentile) {
        return Duration.ofNanos(sorted[(int) Math.ceil(percentile / 100 * sorted.length) - 1]);
    }

    @Test
    void withoutHedgingTheP99IsTheSlowTail() {
        HeavyTailedDownstream downstream = new HeavyTailedDownstream();
        long[] latencies = run(ResiliencePipeline.builder().asyncExecutor(Runnable::run).clock(clock).build(),
                downstream);
        assertThat(percentile(latencies, 99)).isEqualTo(Duration.ofSeconds(1));
        assertThat(downstream.calls.get()).isEqualTo(CALLS);
    }

    @Test
    void hedgingAtTheP95CutsTheP99Below100MsForAtMostTenPercentMoreLoad() {
        Hedge hedge = Hedge.of("downstream", HedgeConfig.builder().delay("p95").build(), clock);
        HeavyTailedDownstream downstream = new HeavyTailedDownstream();
        long[] latencies = run(ResiliencePipeline.builder().hedge(hedge).asyncExecutor(Runnable::run).clock(clock)
                .build(), downstream);

        Duration p99 = percentile(latencies, 99);
        double extraLoad = (double) downstream.calls.get() / CALLS - 1;
        assertThat(p99).isLessThan(Duration.ofMillis(100));
        assertThat(extraLoad).isLessThanOrEqualTo(0.10);
        // the delay the hedge learnt: above the fast calls' 10 ms, far below the slow tail
        assertThat(hedge.currentDelay()).isGreaterThan(Duration.ofMillis(10)).isLessThan(Duration.ofMillis(100));
        assertThat(hedge.hedgesLaunched()).isEqualTo(downstream.calls.get() - CALLS);
        assertThat(hedge.hedgeWins()).isPositive();
        System.out.printf("hedge simulation: p50 %s, p99 %s, p99.9 %s, extra load %.1f%%, delay %s, wins %d%n",
                percentile(latencies, 50), p99, percentile(latencies, 99.9), extraLoad * 100,
                hedge.currentDelay(), hedge.hedgeWins());
    }
}

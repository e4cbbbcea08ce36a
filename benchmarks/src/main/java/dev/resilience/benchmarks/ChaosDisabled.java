package dev.resilience.benchmarks;

import java.time.Duration;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.spi.Clock;

/**
 * Scenario 13: fault injection present but switched off costs nothing. The pipeline of scenario 1 (a closed
 * breaker, every call succeeds), once with a {@link Chaos} stage switched off ({@code enabled=false}, as
 * {@code resilience.chaos.instances.<name>.enabled: false} or the actuator leaves it) and once without one; the
 * direct call ({@code Baseline.direct}) is the floor. Ours only: no peer has fault injection. Each benchmark has
 * a state of its own, so a fork builds, checks and calls only the pipeline it measures (calling the other one
 * even once, in a set-up check, would put its stages into the shared call sites' type profiles).
 */
public class ChaosDisabled extends BenchmarkDefaults {

    /** The breaker pipeline with a chaos stage that would fail every call, and delay it an hour, were it on. */
    @State(Scope.Benchmark)
    public static class ChaosOff {

        final Supplier<String> supplier = Workload.supplier();
        ResiliencePipeline pipeline;

        @Setup
        public void setUp() {
            Chaos chaos = Chaos.of("bench", ChaosConfig.builder().enabled(false).faultRate(1)
                    .latency(Duration.ofHours(1)).latencyRate(1).build(), Clock.system());
            pipeline = ResiliencePipeline.builder().circuitBreaker(Peers.oursBreaker()).chaos(chaos)
                    .description("Bench.call").build();
            Checks.check(pipeline.chaos() == chaos, "the pipeline has the chaos stage");
            Checks.check(Workload.RESULT.equals(pipeline.get(supplier)) && chaos.injectedFaults() == 0
                    && chaos.injectedLatencies() == 0, "the switched-off chaos injects nothing");
        }
    }

    /** The same pipeline without a chaos stage: scenario 1's. */
    @State(Scope.Benchmark)
    public static class NoChaos {

        final Supplier<String> supplier = Workload.supplier();
        ResiliencePipeline pipeline;

        @Setup
        public void setUp() {
            pipeline = ResiliencePipeline.builder().circuitBreaker(Peers.oursBreaker()).description("Bench.call")
                    .build();
            Checks.check(pipeline.chaos() == null, "the pipeline has no chaos stage");
        }
    }

    @Benchmark
    public String chaosOff(ChaosOff state) {
        return state.pipeline.get(state.supplier);
    }

    @Benchmark
    public String noChaos(NoChaos state) {
        return state.pipeline.get(state.supplier);
    }
}

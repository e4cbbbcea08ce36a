package dev.resilience.benchmarks;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Scenario 15 (issue #15): a synchronous call through a hedge that returns long before the hedge's delay, so
 * no extra attempt is ever made: what hedging costs every call that does not need it. Target: at most 100 ns
 * over {@link #direct()}. Two delays: a fixed 100 ms (a clock read, a slot taken and released, one small
 * object), and {@code p95} (the same plus the latency recorded in the hedge's window). No peer has a Java
 * hedge to compare with (Resilience4j's hedge is a bare core module without this call style wired; Failsafe
 * for Java has none).
 */
@State(Scope.Benchmark)
public class HedgeBeforeDelay extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ExecutorService executor;
    private ResiliencePipeline fixedDelay;
    private ResiliencePipeline percentileDelay;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        executor = Executors.newCachedThreadPool();
        fixedDelay = ResiliencePipeline.builder().description("Bench.call").hedge(Hedge.of("fixed",
                HedgeConfig.builder().delay(Duration.ofMillis(100)).executor(executor).build())).build();
        percentileDelay = ResiliencePipeline.builder().description("Bench.call").hedge(Hedge.of("p95",
                HedgeConfig.builder().delay("p95").executor(executor).build())).build();
    }

    @TearDown
    public void tearDown() {
        executor.shutdownNow();
    }

    /** The workload alone, through the same supplier. */
    @Benchmark
    public String direct() {
        return supplier.get();
    }

    @Benchmark
    public String oursFixedDelay() {
        return fixedDelay.get(supplier);
    }

    @Benchmark
    public String oursPercentileDelay() {
        return percentileDelay.get(supplier);
    }
}

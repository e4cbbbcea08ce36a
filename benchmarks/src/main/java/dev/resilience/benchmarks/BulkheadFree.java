package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;

/** Scenario 4: a semaphore bulkhead (25 calls, no waiting) with places free. */
@State(Scope.Benchmark)
public class BulkheadFree extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline ours;
    private Supplier<String> resilience4j;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        ours = ResiliencePipeline.builder().bulkhead(Peers.oursBulkhead()).description("Bench.call").build();
        resilience4j = io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(Peers.r4jBulkhead(), supplier);
        failsafe = Failsafe.with(Peers.failsafeBulkhead());
        failsafeCall = Workload.failsafeSupplier();
    }

    @Benchmark
    public String ours() {
        return ours.get(supplier);
    }

    @Benchmark
    public String resilience4j() {
        return resilience4j.get();
    }

    @Benchmark
    public String failsafe() {
        return failsafe.get(failsafeCall);
    }
}

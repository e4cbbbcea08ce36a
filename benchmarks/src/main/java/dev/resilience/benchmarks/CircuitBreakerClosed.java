package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;

/** Scenario 1: a closed circuit breaker, every call succeeds. One breaker per library, shared by all threads. */
@State(Scope.Benchmark)
public class CircuitBreakerClosed extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline ours;
    private Supplier<String> resilience4j;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        ours = ResiliencePipeline.builder().circuitBreaker(Peers.oursBreaker()).description("Bench.call").build();
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(Peers.r4jBreaker(),
                supplier);
        failsafe = Failsafe.with(Peers.failsafeBreaker());
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

package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Scenario 5: retry around circuit breaker around bulkhead around the call, the order our pipeline always
 * uses, built the same way in each library: Resilience4j by nesting its decorators (what its
 * {@code Decorators} helper does), Failsafe by listing the policies outermost first.
 */
@State(Scope.Benchmark)
public class Composed extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline ours;
    private Supplier<String> resilience4j;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        ours = ResiliencePipeline.builder()
                .retry(Peers.oursRetry())
                .circuitBreaker(Peers.oursBreaker())
                .bulkhead(Peers.oursBulkhead())
                .description("Bench.call")
                .build();
        resilience4j = io.github.resilience4j.retry.Retry.decorateSupplier(Peers.r4jRetry(),
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(Peers.r4jBreaker(),
                        io.github.resilience4j.bulkhead.Bulkhead.decorateSupplier(Peers.r4jBulkhead(), supplier)));
        failsafe = Failsafe.with(Peers.failsafeRetry(), Peers.failsafeBreaker(), Peers.failsafeBulkhead());
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

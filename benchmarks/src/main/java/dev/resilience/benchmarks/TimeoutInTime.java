package dev.resilience.benchmarks;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Scenario 6: a 1-second timeout on a synchronous call that finishes in time.
 *
 * <p>Ours and Failsafe's run the call on the caller's thread and interrupt it at the deadline. Resilience4j
 * has no synchronous timeout: its {@code TimeLimiter} limits a {@code Future}, so the closest equivalent is
 * {@code CompletableFuture.supplyAsync(call)} (the common pool) waited for with the limit. That measures a
 * thread hand-off as well; {@link #asyncHandOff()} measures the hand-off alone, without any time limit.
 */
@State(Scope.Benchmark)
public class TimeoutInTime extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline ours;
    private Callable<String> resilience4j;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        ours = ResiliencePipeline.builder().timeout(Peers.oursTimeout()).description("Bench.call").build();
        Supplier<String> call = supplier;
        resilience4j = io.github.resilience4j.timelimiter.TimeLimiter.decorateFutureSupplier(Peers.r4jTimeLimiter(),
                () -> CompletableFuture.supplyAsync(call));
        failsafe = Failsafe.with(Peers.failsafeTimeout());
        failsafeCall = Workload.failsafeSupplier();
    }

    @Benchmark
    public String ours() {
        return ours.get(supplier);
    }

    @Benchmark
    public String resilience4j() throws Exception {
        return resilience4j.call();
    }

    @Benchmark
    public String failsafe() {
        return failsafe.get(failsafeCall);
    }

    /** Not a library: what Resilience4j's figure pays for the thread hand-off alone. */
    @Benchmark
    public String asyncHandOff() throws Exception {
        return CompletableFuture.supplyAsync(supplier).get();
    }
}

package dev.resilience.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Scenario 9: an asynchronous call through retry, circuit breaker, timeout and bulkhead, outermost first,
 * built as each library builds it for a {@code CompletionStage}: ours with {@code executeAsync}, Resilience4j
 * with its {@code decorateCompletionStage} decorators nested the same way (the time limit from
 * {@code TimeLimiter}, on a scheduler), Failsafe with {@code getStageAsync}. The call returns an already
 * completed future (the workload); each method waits for the outcome, so every library's whole path is in the
 * figure. {@link #direct()} is the baseline: the same call without any library.
 */
@State(Scope.Benchmark)
public class AsyncComposed extends BenchmarkDefaults {

    private Supplier<CompletionStage<String>> call;
    private ResiliencePipeline ours;
    private Supplier<CompletionStage<String>> resilience4j;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<CompletionStage<String>> failsafeCall;
    private ScheduledExecutorService scheduler;

    @Setup(Level.Trial)
    public void setUp() {
        call = () -> CompletableFuture.completedFuture(Workload.call());
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bench-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        ours = ResiliencePipeline.builder()
                .retry(Peers.oursRetry())
                .circuitBreaker(Peers.oursBreaker())
                .timeout(Peers.oursTimeout())
                .bulkhead(Peers.oursBulkhead())
                .description("Bench.call")
                .build();
        resilience4j = io.github.resilience4j.retry.Retry.decorateCompletionStage(Peers.r4jRetry(), scheduler,
                io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCompletionStage(Peers.r4jBreaker(),
                        Peers.r4jTimeLimiter().decorateCompletionStage(scheduler,
                                io.github.resilience4j.bulkhead.Bulkhead.decorateCompletionStage(Peers.r4jBulkhead(),
                                        call))));
        failsafe = Failsafe.with(Peers.failsafeRetry(), Peers.failsafeBreaker(), Peers.failsafeAsyncTimeout(),
                Peers.failsafeBulkhead());
        Supplier<CompletionStage<String>> stage = call;
        failsafeCall = stage::get;
        Checks.check("ok".equals(ours.executeAsync(call).join()), "ours did not complete the call");
        Checks.check("ok".equals(resilience4j.get().toCompletableFuture().join()), "Resilience4j did not complete");
        Checks.check("ok".equals(failsafe.getStageAsync(failsafeCall).join()), "Failsafe did not complete");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    /**
     * The call's own future is returned (so it escapes, as it does inside every library) rather than joined here,
     * where escape analysis would remove it: its 24 bytes belong to the baseline, not to the libraries.
     */
    @Benchmark
    public CompletableFuture<String> direct() {
        return call.get().toCompletableFuture();
    }

    @Benchmark
    public String ours() {
        return ours.executeAsync(call).join();
    }

    @Benchmark
    public String resilience4j() {
        return resilience4j.get().toCompletableFuture().join();
    }

    @Benchmark
    public String failsafe() {
        return failsafe.getStageAsync(failsafeCall).join();
    }
}

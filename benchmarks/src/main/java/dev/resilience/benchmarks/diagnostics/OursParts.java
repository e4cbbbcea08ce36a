package dev.resilience.benchmarks.diagnostics;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.resilience.benchmarks.BenchmarkDefaults;
import dev.resilience.benchmarks.Workload;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.core.retry.Retry;

/**
 * Not part of the comparison: our policies used directly, without the pipeline, to split a scenario's
 * overhead between the policy itself and the pipeline around it (compare with scenarios 1, 4 and 12).
 * The retry's bookkeeping is not reachable from outside the pipeline any more.
 */
@State(Scope.Benchmark)
public class OursParts extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private CircuitBreaker breaker;
    private Retry retry;
    private Bulkhead bulkhead;
    private dev.resilience.core.CheckedSupplier<String> checked;
    private dev.resilience.core.pipeline.ResiliencePipeline retryPipeline;
    private dev.resilience.core.pipeline.ResiliencePipeline breakerPipeline;
    private RateLimiter smoothLimiter;
    private RateLimiter fixedWindowLimiter;
    private dev.resilience.core.pipeline.ResiliencePipeline shortPeriodLimiterPipeline;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        breaker = CircuitBreaker.of("bench", CircuitBreakerConfig.ofDefaults());
        retry = Retry.of("bench", dev.resilience.core.retry.RetryConfig.ofDefaults());
        bulkhead = Bulkhead.of("bench", BulkheadConfig.ofDefaults());
        checked = Workload.oursChecked();
        retryPipeline = dev.resilience.core.pipeline.ResiliencePipeline.builder().retry(retry).build();
        breakerPipeline = dev.resilience.core.pipeline.ResiliencePipeline.builder().circuitBreaker(breaker).build();
        smoothLimiter = rateLimiter(RateLimiterType.SMOOTH);
        fixedWindowLimiter = rateLimiter(RateLimiterType.FIXED_WINDOW);
        shortPeriodLimiterPipeline = dev.resilience.core.pipeline.ResiliencePipeline.builder()
                .rateLimiter(RateLimiter.of("bench", RateLimiterConfig.builder().limitForPeriod(1_000_000)
                        .limitRefreshPeriod(java.time.Duration.ofMillis(1)).build()))
                .build();
    }

    /** As scenario 12's: a billion permits per second, so every call is permitted. */
    private static RateLimiter rateLimiter(RateLimiterType type) {
        return RateLimiter.of("bench", RateLimiterConfig.builder().limitForPeriod(RateLimiterConfig.MAX_LIMIT_FOR_PERIOD)
                .limitRefreshPeriod(java.time.Duration.ofSeconds(1)).type(type).build());
    }

    /**
     * Scenario 12a's smooth limiter at the same rate in a period under a second (a million permits per
     * millisecond): timed on {@code System.nanoTime()} for each permit instead of the coarse clock.
     */
    @Benchmark
    public String rateLimiterShortPeriodPipeline() {
        return shortPeriodLimiterPipeline.get(supplier);
    }

    /**
     * Scenario 3 through {@code execute(CheckedSupplier)} instead of {@code get(Supplier)}: the pipeline's
     * dispatch on the call's type then succeeds at its first {@code instanceof}.
     */
    @Benchmark
    public String retryPipelineChecked() throws Throwable {
        return retryPipeline.execute(checked);
    }

    /** Scenario 1 through {@code execute(CheckedSupplier)}. */
    @Benchmark
    public String breakerPipelineChecked() throws Throwable {
        return breakerPipeline.execute(checked);
    }

    /** The breaker's own work for a successful call, durations left out (0 ns). */
    @Benchmark
    public String breakerPermitOnly() {
        CircuitBreaker.Permit permit = breaker.acquirePermit();
        String result = supplier.get();
        permit.onResult(0, result);
        return result;
    }

    /** The bulkhead's own work: acquire (a live-view slot) and release. */
    @Benchmark
    public String bulkheadPermitOnly() throws InterruptedException {
        Bulkhead.Permit permit = bulkhead.acquire("Bench.call", 0L);
        try {
            return supplier.get();
        } finally {
            permit.release();
        }
    }

    /** The smooth limiter's own work: {@code tryAcquirePermission()} (clock, one CAS, one counter), then the call. */
    @Benchmark
    public String rateLimiterPermitOnly() {
        if (!smoothLimiter.tryAcquirePermission()) {
            throw new IllegalStateException("refused");
        }
        return supplier.get();
    }

    /** The same with the fixed-window bucket. */
    @Benchmark
    public String rateLimiterFixedWindowPermitOnly() {
        if (!fixedWindowLimiter.tryAcquirePermission()) {
            throw new IllegalStateException("refused");
        }
        return supplier.get();
    }
}

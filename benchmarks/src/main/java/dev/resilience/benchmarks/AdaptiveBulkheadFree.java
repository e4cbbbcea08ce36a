package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Scenario 4-adaptive, beside scenario 4: ours only, the same pipeline with a bulkhead with places free, fixed (25
 * calls, as scenario 4's {@code ours}) against adaptive (defaults: limit 20 of at most 200). Target (issue #15): the
 * adaptive bulkhead's overhead over {@code Baseline.direct} at most 2x the fixed one's.
 */
@State(Scope.Benchmark)
public class AdaptiveBulkheadFree extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline fixed;
    private ResiliencePipeline adaptive;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();
        fixed = ResiliencePipeline.builder().bulkhead(Peers.oursBulkhead()).description("Bench.call").build();
        adaptive = ResiliencePipeline.builder().bulkhead(dev.resilience.core.bulkhead.Bulkhead.of("bench-adaptive",
                BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).build())).description("Bench.call")
                .build();
    }

    @Benchmark
    public String fixed() {
        return fixed.get(supplier);
    }

    @Benchmark
    public String adaptive() {
        return adaptive.get(supplier);
    }
}

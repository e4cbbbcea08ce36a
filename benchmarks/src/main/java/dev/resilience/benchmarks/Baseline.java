package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The workload called directly, through the same {@link Supplier} the libraries receive: what "overhead" is measured from. */
@State(Scope.Benchmark)
public class Baseline extends BenchmarkDefaults {

    private final Supplier<String> supplier = Workload.supplier();

    @Benchmark
    public String direct() {
        return supplier.get();
    }
}

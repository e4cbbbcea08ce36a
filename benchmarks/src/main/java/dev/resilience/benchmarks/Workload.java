package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.infra.Blackhole;

/**
 * The tiny call every scenario protects: a fixed, thread-local amount of CPU work that the JIT cannot remove,
 * returning a constant (so the call itself allocates nothing and shares no memory between threads).
 * {@link Baseline} measures it called directly; every other figure is compared against that.
 */
public final class Workload {

    /** Units of {@link Blackhole#consumeCPU(long)}: a few tens of nanoseconds. */
    public static final long TOKENS = 10;

    public static final String RESULT = "ok";

    private Workload() {
    }

    public static String call() {
        Blackhole.consumeCPU(TOKENS);
        return RESULT;
    }

    /** The workload as each library takes it; built once, kept in benchmark state, never allocated per call. */
    public static Supplier<String> supplier() {
        return Workload::call;
    }

    public static dev.resilience.core.CheckedSupplier<String> oursChecked() {
        return Workload::call;
    }

    public static dev.failsafe.function.CheckedSupplier<String> failsafeSupplier() {
        return Workload::call;
    }
}

package dev.resilience.benchmarks.diagnostics;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import dev.resilience.benchmarks.BenchmarkDefaults;

/**
 * Not part of the comparison (run.sh leaves this package out unless asked with --diagnostics): what the
 * building blocks of a protected call cost on this machine, to read the scenario figures against.
 */
@State(Scope.Benchmark)
public class Primitives extends BenchmarkDefaults {

    private final LongAdder adder = new LongAdder();
    private final AtomicInteger atomic = new AtomicInteger();
    private final Semaphore semaphore = new Semaphore(25, false);
    private volatile int version;
    /** A slot count the JIT cannot fold, as a bulkhead's {@code slots.length}. */
    private int slots = 25;

    /** Read by every timed call: the breaker's slow-call timing, the retry budget, the bulkhead's live view. */
    /** How {@code Bulkhead.claimSlot} picks its first slot and the next: two integer divisions. */
    @Benchmark
    public int slotIndexByModulo() {
        int start = (System.identityHashCode(Thread.currentThread()) & Integer.MAX_VALUE) % slots;
        return (start + 1) % slots;
    }

    /** The same choice without division: multiply-shift into range, wrap-around for the next slot. */
    @Benchmark
    public int slotIndexByMultiplyShift() {
        int n = slots;
        int start = (int) (((System.identityHashCode(Thread.currentThread()) & 0xFFFFFFFFL) * n) >>> 32);
        int next = start + 1;
        return next == n ? 0 : next;
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public void longAdderIncrement() {
        adder.increment();
    }

    /** A volatile increment (read, then a fenced write), as the bulkhead's slot version does. */
    @Benchmark
    public void volatileIncrement() {
        version++;
    }

    @Benchmark
    public boolean compareAndSet() {
        int current = atomic.get();
        return atomic.compareAndSet(current, current + 1);
    }

    /** Acquire and release of a free permit: what Resilience4j's semaphore bulkhead does per call. */
    @Benchmark
    public void semaphoreAcquireRelease() {
        if (semaphore.tryAcquire()) {
            semaphore.release();
        }
    }
}

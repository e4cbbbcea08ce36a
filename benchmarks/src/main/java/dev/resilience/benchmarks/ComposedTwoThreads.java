package dev.resilience.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * Scenario 8: {@link Composed} with two threads calling through the same shared instances (the state is
 * {@code Scope.Benchmark}). JMH reports the time per call per thread; throughput is threads / time.
 */
@Threads(2)
public class ComposedTwoThreads extends Composed {
}

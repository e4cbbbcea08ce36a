package dev.resilience.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * Scenario 12b: {@link RateLimiterPermitted} with two threads calling through the same shared instances (the state
 * is {@code Scope.Benchmark}): both take their permits from one limiter. JMH reports the time per call per thread;
 * throughput is threads / time.
 */
@Threads(2)
public class RateLimiterPermittedTwoThreads extends RateLimiterPermitted {
}

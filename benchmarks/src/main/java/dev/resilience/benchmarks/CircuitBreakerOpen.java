package dev.resilience.benchmarks;

import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

/**
 * Scenario 2: an OPEN breaker (opened by hand, one-hour wait): the cost of a rejected call, the rejection
 * exception caught and returned to the blackhole. Each library at its default for stack traces on rejection:
 * ours has none, Resilience4j fills one, Failsafe fills one. {@link #resilience4jNoStackTrace()} shows
 * Resilience4j with {@code writableStackTraceEnabled(false)}, for reference.
 */
@State(Scope.Benchmark)
public class CircuitBreakerOpen extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private ResiliencePipeline ours;
    private Supplier<String> resilience4j;
    private Supplier<String> resilience4jNoStackTrace;
    private FailsafeExecutor<String> failsafe;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;

    @Setup
    public void setUp() {
        supplier = Workload.supplier();

        CircuitBreaker oursBreaker = Peers.oursBreaker();
        oursBreaker.transitionTo(CircuitBreaker.State.OPEN);
        ours = ResiliencePipeline.builder().circuitBreaker(oursBreaker).description("Bench.call").build();

        io.github.resilience4j.circuitbreaker.CircuitBreaker r4j = Peers.r4jBreaker(true);
        r4j.transitionToOpenState();
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4j, supplier);
        io.github.resilience4j.circuitbreaker.CircuitBreaker r4jQuiet = Peers.r4jBreaker(false);
        r4jQuiet.transitionToOpenState();
        resilience4jNoStackTrace = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateSupplier(r4jQuiet,
                supplier);

        dev.failsafe.CircuitBreaker<String> failsafeBreaker = Peers.failsafeBreaker();
        failsafeBreaker.open();
        failsafe = Failsafe.with(failsafeBreaker);
        failsafeCall = Workload.failsafeSupplier();

        Checks.rejects("ours", () -> ours.get(supplier), CircuitBreakerOpenException.class);
        Checks.rejects("Resilience4j", resilience4j::get, CallNotPermittedException.class);
        Checks.rejects("Resilience4j (no stack trace)", resilience4jNoStackTrace::get,
                CallNotPermittedException.class);
        Checks.rejects("Failsafe", () -> failsafe.get(failsafeCall), dev.failsafe.CircuitBreakerOpenException.class);
    }

    @Benchmark
    public Object ours() {
        try {
            return ours.get(supplier);
        } catch (CircuitBreakerOpenException rejected) {
            return rejected;
        }
    }

    @Benchmark
    public Object resilience4j() {
        try {
            return resilience4j.get();
        } catch (CallNotPermittedException rejected) {
            return rejected;
        }
    }

    @Benchmark
    public Object resilience4jNoStackTrace() {
        try {
            return resilience4jNoStackTrace.get();
        } catch (CallNotPermittedException rejected) {
            return rejected;
        }
    }

    @Benchmark
    public Object failsafe() {
        try {
            return failsafe.get(failsafeCall);
        } catch (dev.failsafe.CircuitBreakerOpenException rejected) {
            return rejected;
        }
    }
}

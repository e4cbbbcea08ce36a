package dev.resilience.benchmarks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterType;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;

/**
 * Scenario 12: a rate limiter with permits to spare, so every measured call is permitted at once: the cost of
 * the permit path. One limiter per library (and type), shared by all threads; 1,000,000,000 permits per
 * second, no waiting ({@link Peers}). Ours through a pipeline with only the limiter, smooth (the default)
 * and fixed-window; Resilience4j's {@code RateLimiter.decorateSupplier} over its default
 * {@code AtomicRateLimiter} (fixed-window only); Failsafe's {@code Failsafe.with(rateLimiter)}, smooth and
 * bursty (fixed-window).
 *
 * <p>Set-up proves, once per fork, that each limiter limits: a limiter from the same factory with one permit
 * per hour, through the same decoration, lets one call through and refuses the next; and that the measured
 * limiter is the one the measured call asks (ours counts the call; Resilience4j's and Failsafe's, emptied
 * by hand, refuse it, and are then waited for until they permit again). A measured call that is refused
 * returns the rejection and is counted; tear-down fails the iteration if any was, so a recorded figure is
 * always the permit path (the report flags a benchmark whose iterations did not all complete).
 */
@State(Scope.Benchmark)
public class RateLimiterPermitted extends BenchmarkDefaults {

    private Supplier<String> supplier;
    private RateLimiter oursSmoothLimiter;
    private RateLimiter oursFixedWindowLimiter;
    private ResiliencePipeline ours;
    private ResiliencePipeline oursFixedWindow;
    private io.github.resilience4j.ratelimiter.RateLimiter r4jLimiter;
    private Supplier<String> resilience4j;
    private dev.failsafe.RateLimiter<String> failsafeSmoothLimiter;
    private dev.failsafe.RateLimiter<String> failsafeBurstyLimiter;
    private FailsafeExecutor<String> failsafe;
    private FailsafeExecutor<String> failsafeBursty;
    private dev.failsafe.function.CheckedSupplier<String> failsafeCall;
    /** Measured calls that were refused: touched only on a refusal, which must never happen. */
    private final AtomicLong refused = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        supplier = Workload.supplier();
        failsafeCall = Workload.failsafeSupplier();

        oursSmoothLimiter = Peers.oursRateLimiter(RateLimiterType.SMOOTH);
        oursFixedWindowLimiter = Peers.oursRateLimiter(RateLimiterType.FIXED_WINDOW);
        ours = oursPipeline(oursSmoothLimiter);
        oursFixedWindow = oursPipeline(oursFixedWindowLimiter);
        r4jLimiter = Peers.r4jRateLimiter();
        resilience4j = io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(r4jLimiter, supplier);
        failsafeSmoothLimiter = Peers.failsafeSmoothRateLimiter();
        failsafeBurstyLimiter = Peers.failsafeBurstyRateLimiter();
        failsafe = Failsafe.with(failsafeSmoothLimiter);
        failsafeBursty = Failsafe.with(failsafeBurstyLimiter);

        checkLimits();
        checkMeasuredLimiters();
    }

    private static ResiliencePipeline oursPipeline(RateLimiter limiter) {
        return ResiliencePipeline.builder().rateLimiter(limiter).description("Bench.call").build();
    }

    /** Each library's limiter, from the same factory with one permit per hour, decorated the same way, limits. */
    private void checkLimits() {
        java.time.Duration hour = java.time.Duration.ofHours(1);
        for (RateLimiterType type : RateLimiterType.values()) {
            ResiliencePipeline probe = oursPipeline(Peers.oursRateLimiter(type, 1, hour));
            permitsThenRefuses("ours (" + type + ")", () -> probe.get(supplier), RateLimitExceededException.class);
        }
        Supplier<String> r4jProbe = io.github.resilience4j.ratelimiter.RateLimiter.decorateSupplier(
                Peers.r4jRateLimiter(1, hour), supplier);
        permitsThenRefuses("Resilience4j", r4jProbe::get, RequestNotPermitted.class);
        FailsafeExecutor<String> smoothProbe = Failsafe.with(Peers.failsafeSmoothRateLimiter(1, hour));
        permitsThenRefuses("Failsafe (smooth)", () -> smoothProbe.get(failsafeCall),
                dev.failsafe.RateLimitExceededException.class);
        FailsafeExecutor<String> burstyProbe = Failsafe.with(Peers.failsafeBurstyRateLimiter(1, hour));
        permitsThenRefuses("Failsafe (bursty)", () -> burstyProbe.get(failsafeCall),
                dev.failsafe.RateLimitExceededException.class);
    }

    private static void permitsThenRefuses(String who, Supplier<String> call, Class<? extends Throwable> refusal) {
        Checks.check(Workload.RESULT.equals(call.get()), who + " did not permit the first call");
        Checks.rejects(who + ", second call within the period", call::get, refusal);
    }

    /** The measured call asks the measured limiter, which has permits for it, and nobody waits. */
    private void checkMeasuredLimiters() throws InterruptedException {
        checkCounted("ours (smooth)", oursSmoothLimiter, () -> ours.get(supplier));
        checkCounted("ours (fixed window)", oursFixedWindowLimiter, () -> oursFixedWindow.get(supplier));

        // Resilience4j: emptied for the current period, the decorated call is refused (tried again if the 1-s
        // period turned between the two); then a new period permits it.
        boolean r4jRefused = false;
        for (int attempt = 0; attempt < 1000 && !r4jRefused; attempt++) {
            r4jLimiter.drainPermissions();
            try {
                resilience4j.get();
            } catch (RequestNotPermitted expected) {
                r4jRefused = true;
            }
        }
        Checks.check(r4jRefused, "the measured Resilience4j limiter never refused the call once emptied");
        awaitPermit("Resilience4j", () -> r4jLimiter.getMetrics().getAvailablePermissions() > 0);
        Checks.check(Workload.RESULT.equals(resilience4j.get()), "the measured Resilience4j call was not permitted");
        Checks.check(r4jLimiter.getMetrics().getNumberOfWaitingThreads() == 0, "a Resilience4j call is waiting");

        // Failsafe: a period's permits reserved by hand, the call is refused; once they are repaid it passes.
        checkFailsafe("Failsafe (smooth)", failsafeSmoothLimiter, failsafe);
        checkFailsafe("Failsafe (bursty)", failsafeBurstyLimiter, failsafeBursty);
    }

    private static void checkCounted(String who, RateLimiter limiter, Supplier<String> call) {
        long before = limiter.permittedCalls();
        Checks.check(Workload.RESULT.equals(call.get()), who + ": the measured call did not complete");
        Checks.check(limiter.permittedCalls() == before + 1, who + ": the measured limiter did not count the call");
        Checks.check(limiter.rejectedCalls() == 0 && limiter.waitingCalls() == 0, who + " refused or queued a call");
    }

    private void checkFailsafe(String who, dev.failsafe.RateLimiter<String> limiter, FailsafeExecutor<String> executor)
            throws InterruptedException {
        limiter.reservePermits(Peers.RATE_LIMIT);
        Checks.rejects(who + ", emptied", () -> executor.get(failsafeCall),
                dev.failsafe.RateLimitExceededException.class);
        awaitPermit(who, limiter::tryAcquirePermit);
        Checks.check(Workload.RESULT.equals(executor.get(failsafeCall)), who + ": the measured call was not permitted");
    }

    private static void awaitPermit(String who, BooleanSupplier permits) throws InterruptedException {
        for (int waited = 0; waited < 3000; waited++) {
            if (permits.getAsBoolean()) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("benchmark set-up check failed: " + who
                + " gave no permit within three seconds");
    }

    /**
     * After every iteration, warm-up included: an iteration in which a call was refused fails (JMH reports it as
     * a failure and ends the benchmark there), so every iteration that is recorded measured the permit path.
     */
    @TearDown(Level.Iteration)
    public void tearDown() {
        Checks.check(refused.get() == 0, refused.get() + " measured calls were refused: not the permit path");
        Checks.check(oursSmoothLimiter.rejectedCalls() == 0 && oursFixedWindowLimiter.rejectedCalls() == 0,
                "our limiters counted a refusal");
        Checks.check(r4jLimiter.getMetrics().getNumberOfWaitingThreads() == 0, "a Resilience4j call is waiting");
    }

    private Object refused(RuntimeException refusal) {
        refused.incrementAndGet();
        return refusal;
    }

    @Benchmark
    public Object ours() {
        try {
            return ours.get(supplier);
        } catch (RateLimitExceededException refusal) {
            return refused(refusal);
        }
    }

    @Benchmark
    public Object oursFixedWindow() {
        try {
            return oursFixedWindow.get(supplier);
        } catch (RateLimitExceededException refusal) {
            return refused(refusal);
        }
    }

    @Benchmark
    public Object resilience4j() {
        try {
            return resilience4j.get();
        } catch (RequestNotPermitted refusal) {
            return refused(refusal);
        }
    }

    @Benchmark
    public Object failsafe() {
        try {
            return failsafe.get(failsafeCall);
        } catch (dev.failsafe.RateLimitExceededException refusal) {
            return refused(refusal);
        }
    }

    @Benchmark
    public Object failsafeBursty() {
        try {
            return failsafeBursty.get(failsafeCall);
        } catch (dev.failsafe.RateLimitExceededException refusal) {
            return refused(refusal);
        }
    }
}

package dev.resilience.core.bulkhead;

import static dev.resilience.core.bulkhead.DownstreamSimulation.MS;
import static dev.resilience.core.bulkhead.DownstreamSimulation.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.test.ManualClock;

/**
 * Issue #15's measurements: 200 callers in front of a downstream of capacity C (see {@link DownstreamSimulation}),
 * through a fixed bulkhead of 200, our adaptive bulkhead (defaults), and Netflix's Gradient2 (defaults).
 * Writes target/adaptive-bulkhead-simulation-C{capacity}.csv for observability/plot.
 */
class AdaptiveBulkheadSimulationTest {

    private static final long UNLOADED = 20 * MS;
    private static final long TIMEOUT = SECOND;
    private static final int CALLERS = 200;
    private static final long DURATION = 60 * SECOND;

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {50, 100})
    void adaptiveLimitFindsTheCapacityAsCloseAndAsFastAsGradient2(int capacity) throws IOException {
        DownstreamSimulation simulation = new DownstreamSimulation(capacity, UNLOADED, TIMEOUT, CALLERS, DURATION);

        ManualClock fixedClock = new ManualClock();
        DownstreamSimulation.Result fixed = simulation.run("fixed-200", fixedClock, DownstreamSimulation.bulkhead(
                Bulkhead.of("fixed", BulkheadConfig.builder().maxConcurrentCalls(200).build(), fixedClock)), 42);
        ManualClock oursClock = new ManualClock();
        DownstreamSimulation.Result ours = simulation.run("adaptive", oursClock, DownstreamSimulation.bulkhead(
                Bulkhead.of("adaptive", BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).build(),
                        oursClock)), 42);
        ManualClock gradientClock = new ManualClock();
        DownstreamSimulation.Result gradient2 = simulation.run("gradient2", gradientClock,
                DownstreamSimulation.gradient2(gradientClock), 42);

        double low = capacity * 0.75;
        double high = capacity * 1.25;
        double oursConverged = ours.convergenceSeconds(low, high);
        double gradientConverged = gradient2.convergenceSeconds(low, high);
        double oursDeviation = ours.worstDeviationAfter(oursConverged, capacity);
        double gradientDeviation = Double.isInfinite(gradientConverged) ? Double.POSITIVE_INFINITY
                : gradient2.worstDeviationAfter(gradientConverged, capacity);
        double unloadedMs = UNLOADED / (double) MS;
        String report = String.format(Locale.ROOT,
                "C=%d | fixed-200: p99 %.0f ms, timed out %d of %d | adaptive: converged at %.1f s, worst deviation "
                        + "after %.0f%%, mean limit last 30 s %.1f, p99 %.1f ms (after convergence %.1f ms), "
                        + "admitted %d, timed out %d | gradient2: converged at %.1f s, worst deviation after %.0f%%, "
                        + "mean limit last 30 s %.1f, p99 %.1f ms (after convergence %.1f ms), admitted %d, "
                        + "timed out %d",
                capacity, fixed.p99Millis, fixed.timedOut, fixed.admitted, oursConverged, oursDeviation * 100,
                ours.meanLimitOverLast(30), ours.p99Millis, DownstreamSimulation.worstP99From(ours, oursConverged),
                ours.admitted, ours.timedOut, gradientConverged, gradientDeviation * 100,
                gradient2.meanLimitOverLast(30), gradient2.p99Millis,
                Double.isInfinite(gradientConverged) ? Double.NaN
                        : DownstreamSimulation.worstP99From(gradient2, gradientConverged),
                gradient2.admitted, gradient2.timedOut);
        System.out.println(report);
        writeCsv(capacity, ours, gradient2, fixed);

        assertThat(fixed.p99Millis).as("a fixed bulkhead of 200 drives latency to the timeout")
                .isEqualTo(TIMEOUT / (double) MS);
        assertThat(oursConverged).as("seconds until within ±25%% of C: %s", report).isLessThanOrEqualTo(30);
        assertThat(ours.p99Millis).as("p99 of admitted calls, whole run, at most 2x unloaded: %s", report)
                .isLessThanOrEqualTo(2 * unloadedMs);
        assertThat(DownstreamSimulation.worstP99From(ours, 0))
                .as("p99 of admitted calls in every second at most 2x unloaded: %s", report)
                .isLessThanOrEqualTo(2 * unloadedMs);
        assertThat(oursConverged).as("at least as fast as Gradient2: %s", report)
                .isLessThanOrEqualTo(gradientConverged);
        assertThat(oursDeviation).as("at least as close as Gradient2: %s", report)
                .isLessThanOrEqualTo(gradientDeviation);
        assertThat(Math.abs(ours.meanLimitOverLast(30) - capacity))
                .as("mean distance from C at least as small as Gradient2's: %s", report)
                .isLessThanOrEqualTo(Math.abs(gradient2.meanLimitOverLast(30) - capacity));
    }

    private static void writeCsv(int capacity, DownstreamSimulation.Result... results) throws IOException {
        Path target = Path.of("target");
        Files.createDirectories(target);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(
                target.resolve("adaptive-bulkhead-simulation-C" + capacity + ".csv")))) {
            out.println("limiter,time_s,limit,p99_ms");
            for (DownstreamSimulation.Result result : results) {
                for (int i = 0; i < result.limits.size(); i++) {
                    double time = i * (double) DownstreamSimulation.SAMPLE_EVERY / SECOND;
                    int second = (int) time;
                    double p99 = second < result.p99PerSecond.size() ? result.p99PerSecond.get(second) : Double.NaN;
                    out.printf(Locale.ROOT, "%s,%.1f,%d,%.2f%n", result.name, time, result.limits.get(i), p99);
                }
            }
        }
    }
}

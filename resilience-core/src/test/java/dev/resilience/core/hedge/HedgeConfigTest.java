package dev.resilience.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.Test;

import dev.resilience.core.InvalidConfigException;

class HedgeConfigTest {

    @Test
    void defaultsAreOneHedgeAfterTheNinetyFifthPercentileWithOneSecondBefore() {
        HedgeConfig config = HedgeConfig.ofDefaults();
        assertThat(config.maxHedges()).isEqualTo(1);
        assertThat(config.delay()).isEqualTo(HedgeDelay.percentile(95));
        assertThat(config.delay().toString()).isEqualTo("p95");
        assertThat(config.delayFallback()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.cancelOnResult()).isNull();
        assertThat(config.executor()).isNull();
    }

    @Test
    void delayReadsDurationsAndPercentiles() {
        assertThat(HedgeDelay.parse("delay", "100ms").duration()).isEqualTo(Duration.ofMillis(100));
        assertThat(HedgeDelay.parse("delay", "2s").duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(HedgeDelay.parse("delay", "250us").duration()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(HedgeDelay.parse("delay", "PT0.5S").duration()).isEqualTo(Duration.ofMillis(500));
        HedgeDelay p999 = HedgeDelay.parse("delay", "p99.9");
        assertThat(p999.isPercentile()).isTrue();
        assertThat(p999.percentile()).isEqualTo(99.9);
        assertThat(p999.toString()).isEqualTo("p99.9");
    }

    @Test
    void badDelaysAreRejectedNamingTheSettingAndWhatIsExpected() {
        for (String bad : new String[] {"p101", "p100", "p0", "-5ms", "0ms", "fast", "", "95"}) {
            assertThatThrownBy(() -> HedgeConfig.builder().delay(bad).build())
                    .as(bad)
                    .isInstanceOf(InvalidConfigException.class)
                    .hasMessage("delay must be a duration greater than 0 (e.g. 100ms, 2s) or a percentile of "
                            + "recent latency between p0 and p100, both excluded (e.g. p95, p99.9), but was "
                            + "'" + bad + "'");
        }
    }

    @Test
    void otherSettingsAreValidated() {
        assertThatThrownBy(() -> HedgeConfig.builder().maxHedges(0).build())
                .isInstanceOf(InvalidConfigException.class).hasMessage("maxHedges must be at least 1, but was 0");
        assertThatThrownBy(() -> HedgeConfig.builder().delayFallback(Duration.ZERO).build())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("delayFallback must be greater than 0");
        assertThatThrownBy(() -> HedgeConfig.builder().executor(ForkJoinPool.commonPool()))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("not the common pool");
    }

    @Test
    void latencyBucketsCoverEveryValueWithinThreePercent() {
        for (long nanos = 1_000; nanos < 100_000_000_000L; nanos = nanos * 11 / 10 + 7) {
            int bucket = LatencyWindow.bucket(nanos);
            long upper = LatencyWindow.upperEdgeNanos(bucket);
            assertThat(upper).as("upper edge for %d", nanos).isGreaterThan(nanos);
            assertThat((double) upper).as("precision for %d", nanos).isLessThanOrEqualTo(nanos * 1.04 + 2048);
            if (bucket > 0) {
                assertThat(LatencyWindow.upperEdgeNanos(bucket - 1)).isLessThanOrEqualTo(nanos);
            }
        }
    }

    @Test
    void everyCallIsMeasuredUntilFiftyThenOneInEightAndThePercentileFollowsTheWindow() {
        LatencyWindow window = new LatencyWindow(95);
        int sampled = 0;
        for (int call = 0; call < 50 + 8 * 100; call++) {
            if (window.sample()) {
                sampled++;
                window.record(call < 50 ? 2_000_000 : (sampled % 20 == 0 ? 900_000_000 : 10_000_000));
            }
        }
        assertThat(sampled).isEqualTo(50 + 100);
        assertThat(window.measured()).isEqualTo(150);
        window.recompute();
        // 150 samples: 50 of 2 ms, 95 of 10 ms, 5 of 900 ms; the 95th percentile (143rd) is a 10 ms one
        assertThat(window.percentileNanos()).isEqualTo(LatencyWindow.upperEdgeNanos(LatencyWindow.bucket(10_000_000)));
    }
}

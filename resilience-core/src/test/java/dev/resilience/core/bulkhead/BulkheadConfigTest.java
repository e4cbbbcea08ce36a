package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class BulkheadConfigTest {

    @Test
    void defaultsToTwentyFiveCallsFailingFastWithoutStackTraces() {
        BulkheadConfig defaults = BulkheadConfig.ofDefaults();

        assertThat(defaults.maxConcurrentCalls()).isEqualTo(25);
        assertThat(defaults.maxWaitDuration()).isZero();
        assertThat(defaults.writableStackTrace()).isFalse();
    }

    @Test
    void zeroMaxConcurrentCallsIsRejectedNamingSettingAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BulkheadConfig.builder().maxConcurrentCalls(0).build())
                .withMessage("maxConcurrentCalls must be at least 1, but was 0");
    }

    @Test
    void negativeMaxConcurrentCallsIsRejectedNamingSettingAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BulkheadConfig.builder().maxConcurrentCalls(-3).build())
                .withMessage("maxConcurrentCalls must be at least 1, but was -3");
    }

    @Test
    void negativeMaxWaitDurationIsRejectedNamingSettingAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> BulkheadConfig.builder().maxWaitDuration(Duration.ofMillis(-250)).build())
                .withMessage("maxWaitDuration must not be negative, but was PT-0.25S");
    }

    @Test
    void nullMaxWaitDurationIsRejectedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder().maxWaitDuration(null).build())
                .withMessage("maxWaitDuration must be set to a duration, but was null");
    }

    @Test
    void oneCallAndZeroWaitAreTheSmallestValidSettings() {
        BulkheadConfig config = BulkheadConfig.builder().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO)
                .build();

        assertThat(config.maxConcurrentCalls()).isEqualTo(1);
        assertThat(config.maxWaitDuration()).isZero();
    }

    @Test
    void fromCopiesEverySetting() {
        BulkheadConfig base = BulkheadConfig.builder().maxConcurrentCalls(7).maxWaitDuration(Duration.ofMillis(40))
                .writableStackTrace(true).build();

        BulkheadConfig copy = BulkheadConfig.from(base).build();

        assertThat(copy.maxConcurrentCalls()).isEqualTo(7);
        assertThat(copy.maxWaitDuration()).isEqualTo(Duration.ofMillis(40));
        assertThat(copy.writableStackTrace()).isTrue();
    }

    @Test
    void toStringShowsTheLimits() {
        assertThat(BulkheadConfig.builder().maxConcurrentCalls(3).maxWaitDuration(Duration.ofMillis(20)).build())
                .hasToString("BulkheadConfig[maxConcurrentCalls=3, maxWaitDuration=PT0.02S]");
    }

    @Test
    void adaptiveDefaultsToOneToTwoHundredStartingAtTwenty() {
        BulkheadConfig adaptive = BulkheadConfig.builder().type(BulkheadConfig.Type.ADAPTIVE).build();

        assertThat(adaptive.isAdaptive()).isTrue();
        assertThat(adaptive.minConcurrentCalls()).isEqualTo(1);
        assertThat(adaptive.initialConcurrentCalls()).isEqualTo(20);
        assertThat(adaptive.maxConcurrentCalls()).isEqualTo(200);
        assertThat(adaptive.alpha()).isEqualTo(3);
        assertThat(adaptive.beta()).isEqualTo(6);
        assertThat(adaptive.backoffRatio()).isEqualTo(0.9);
        assertThat(adaptive.baselineWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(BulkheadConfig.ofDefaults().type()).isEqualTo(BulkheadConfig.Type.FIXED);
    }

    @Test
    void adaptiveBoundsAreCheckedAgainstEachOther() {
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder()
                .type(BulkheadConfig.Type.ADAPTIVE).minConcurrentCalls(30).maxConcurrentCalls(10).build())
                .withMessage("minConcurrentCalls must be at most maxConcurrentCalls (10), but was 30");
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder()
                .type(BulkheadConfig.Type.ADAPTIVE).initialConcurrentCalls(300).build())
                .withMessage("initialConcurrentCalls must be between minConcurrentCalls (1) and maxConcurrentCalls "
                        + "(200), but was 300");
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder()
                .type(BulkheadConfig.Type.ADAPTIVE).alpha(4).beta(4).build())
                .withMessage("beta must be greater than alpha (4), but was 4");
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder()
                .type(BulkheadConfig.Type.ADAPTIVE).backoffRatio(1).build())
                .withMessage("backoffRatio must be at least 0.5 and less than 1, but was 1");
        assertThatIllegalArgumentException().isThrownBy(() -> BulkheadConfig.builder()
                .type(BulkheadConfig.Type.ADAPTIVE).baselineWindow(Duration.ZERO).build())
                .withMessageStartingWith("baselineWindow must be");
    }

    @Test
    void overloadIsTimeoutsInterruptionsAndFullBulkheadsPlusWhatIsConfigured() {
        BulkheadConfig config = BulkheadConfig.builder().overloadExceptions(List.of(IllegalStateException.class))
                .overloadPredicate(failure -> failure instanceof RuntimeException r && "503".equals(r.getMessage()))
                .build();

        assertThat(config.isOverload(new java.util.concurrent.TimeoutException())).isTrue();
        assertThat(config.isOverload(new java.net.SocketTimeoutException())).isTrue();
        assertThat(config.isOverload(new InterruptedException())).isTrue();
        assertThat(config.isOverload(new BulkheadFullException("b", 1, Duration.ZERO, false))).isTrue();
        assertThat(config.isOverload(new IllegalStateException())).isTrue();
        assertThat(config.isOverload(new RuntimeException("503"))).isTrue();
        assertThat(config.isOverload(new RuntimeException("404"))).isFalse();
        assertThat(config.isOverload(new IllegalArgumentException())).isFalse();
        assertThat(BulkheadConfig.from(config).build().isOverload(new IllegalStateException())).isTrue();
    }
}

package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

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
}

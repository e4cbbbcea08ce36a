package dev.resilience.core.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class TimeoutConfigTest {

    @Test
    void defaultsToOneSecondAndLeavingTheRunningFutureAlone() {
        TimeoutConfig defaults = TimeoutConfig.ofDefaults();

        assertThat(defaults.duration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.cancelRunningFuture()).isFalse();
        assertThat(TimeoutConfig.builder().build().duration()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void ofTakesTheGivenDuration() {
        assertThat(TimeoutConfig.of(Duration.ofMillis(250)).duration()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void zeroDurationIsRejectedNamingSettingAndValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> TimeoutConfig.of(Duration.ZERO))
                .withMessage("duration must be greater than 0, but was PT0S");
    }

    @Test
    void negativeDurationIsRejectedNamingSettingAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TimeoutConfig.builder().duration(Duration.ofMillis(-1500)).build())
                .withMessage("duration must be greater than 0, but was PT-1.5S");
    }

    @Test
    void nullDurationIsRejectedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> TimeoutConfig.builder().duration(null).build())
                .withMessage("duration must be set to a duration, but was null");
    }

    @Test
    void fromCopiesEverySetting() {
        TimeoutConfig base = TimeoutConfig.builder().duration(Duration.ofMillis(300)).cancelRunningFuture(false)
                .build();

        TimeoutConfig copy = TimeoutConfig.from(base).build();

        assertThat(copy.duration()).isEqualTo(Duration.ofMillis(300));
        assertThat(copy.cancelRunningFuture()).isFalse();
    }

    @Test
    void toStringShowsTheDuration() {
        assertThat(TimeoutConfig.of(Duration.ofMillis(200))).hasToString("TimeoutConfig[duration=PT0.2S, cancelRunningFuture=false]");
    }
}

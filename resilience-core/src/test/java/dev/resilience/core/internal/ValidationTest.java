package dev.resilience.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ValidationTest {

    @Test
    void blankNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> Validation.name(" "))
                .withMessage("name must not be blank, but was ' '");
    }

    @Test
    void percentageMessageNamesSettingValueAndRange() {
        assertThatIllegalArgumentException().isThrownBy(() -> Validation.percentage("failureRateThreshold", 101))
                .withMessage("failureRateThreshold must be greater than 0 and at most 100 (percent), but was 101");
    }

    @Test
    void negativeDurationMessageNamesSetting() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Validation.notNegative("maxWaitDuration", Duration.ofMillis(-1)))
                .withMessage("maxWaitDuration must not be negative, but was PT-0.001S");
    }

    @Test
    void validValuesPassThrough() {
        assertThat(Validation.atLeast("maxAttempts", 3, 1)).isEqualTo(3);
        assertThat(Validation.between("jitter", 0.5, 0, 1)).isEqualTo(0.5);
    }
}

package dev.resilience.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class RetryConfigTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        RetryConfig config = RetryConfig.ofDefaults();

        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.waitDuration()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.backoffMultiplier()).isEqualTo(1.0);
        assertThat(config.maxWaitDuration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.jitter()).isEqualTo(0.0);
        assertThat(config.maxDuration()).isEqualTo(Duration.ZERO);
        assertThat(config.retryExceptions()).isEmpty();
        assertThat(config.ignoreExceptions()).isEmpty();
        assertThat(config.retryOnResult()).isNull();
    }

    @Test
    void builderStartsFromTheDefaults() {
        RetryConfig built = RetryConfig.builder().build();
        RetryConfig defaults = RetryConfig.ofDefaults();

        assertThat(built.toString()).isEqualTo(defaults.toString());
    }

    @Test
    void fromCopiesEverySettingOfItsBase() {
        Predicate<Object> nullResult = result -> result == null;
        RetryConfig base = RetryConfig.builder()
                .maxAttempts(7)
                .waitDuration(Duration.ofMillis(250))
                .backoffMultiplier(1.5)
                .maxWaitDuration(Duration.ofSeconds(4))
                .jitter(0.25)
                .maxDuration(Duration.ofSeconds(20))
                .retryExceptions(IOException.class)
                .ignoreExceptions(IllegalStateException.class)
                .retryOnResult(nullResult)
                .build();

        RetryConfig copy = RetryConfig.from(base).build();

        assertThat(copy.maxAttempts()).isEqualTo(7);
        assertThat(copy.waitDuration()).isEqualTo(Duration.ofMillis(250));
        assertThat(copy.backoffMultiplier()).isEqualTo(1.5);
        assertThat(copy.maxWaitDuration()).isEqualTo(Duration.ofSeconds(4));
        assertThat(copy.jitter()).isEqualTo(0.25);
        assertThat(copy.maxDuration()).isEqualTo(Duration.ofSeconds(20));
        assertThat(copy.retryExceptions()).containsExactly(IOException.class);
        assertThat(copy.ignoreExceptions()).containsExactly(IllegalStateException.class);
        assertThat(copy.retryOnResult()).isSameAs(nullResult);
    }

    @Test
    void derivingAConfigLeavesItsBaseUnchanged() {
        RetryConfig base = RetryConfig.builder().maxAttempts(4).retryExceptions(IOException.class).build();

        RetryConfig derived = RetryConfig.from(base).maxAttempts(9).retryExceptions(IllegalStateException.class).build();

        assertThat(derived.maxAttempts()).isEqualTo(9);
        assertThat(derived.retryExceptions()).containsExactly(IllegalStateException.class);
        assertThat(base.maxAttempts()).isEqualTo(4);
        assertThat(base.retryExceptions()).containsExactly(IOException.class);
    }

    @Test
    void changingTheListPassedToTheBuilderDoesNotChangeTheBuiltConfig() {
        List<Class<? extends Throwable>> types = new ArrayList<>(List.of(IOException.class));
        RetryConfig config = RetryConfig.builder().retryExceptions(types).ignoreExceptions(types).build();

        types.add(IllegalStateException.class);

        assertThat(config.retryExceptions()).containsExactly(IOException.class);
        assertThat(config.ignoreExceptions()).containsExactly(IOException.class);
    }

    @Test
    void boundaryValuesAreAccepted() {
        RetryConfig config = RetryConfig.builder()
                .maxAttempts(1)
                .waitDuration(Duration.ZERO)
                .backoffMultiplier(1.0)
                .maxWaitDuration(Duration.ZERO)
                .jitter(1.0)
                .maxDuration(Duration.ZERO)
                .build();

        assertThat(config.maxAttempts()).isEqualTo(1);
        assertThat(config.maxWaitDuration()).isEqualTo(Duration.ZERO);
        assertThat(config.jitter()).isEqualTo(1.0);
        assertThat(RetryConfig.builder().waitDuration(Duration.ofSeconds(2)).maxWaitDuration(Duration.ofSeconds(2))
                .build().maxWaitDuration()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void zeroMaxAttemptsIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().maxAttempts(0).build())
                .withMessage("maxAttempts must be at least 1, but was 0");
    }

    @Test
    void negativeWaitDurationIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().waitDuration(Duration.ofMillis(-1)).build())
                .withMessage("waitDuration must not be negative, but was PT-0.001S");
    }

    @Test
    void backoffMultiplierBelowOneIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().backoffMultiplier(0.5).build())
                .withMessage("backoffMultiplier must be at least 1.0, but was 0.5");
    }

    @Test
    void notANumberBackoffMultiplierIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().backoffMultiplier(Double.NaN).build())
                .withMessage("backoffMultiplier must be at least 1.0, but was NaN");
    }

    @Test
    void negativeMaxWaitDurationIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().maxWaitDuration(Duration.ofSeconds(-1)).build())
                .withMessage("maxWaitDuration must not be negative, but was PT-1S");
    }

    @Test
    void maxWaitDurationShorterThanWaitDurationIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().waitDuration(Duration.ofSeconds(1))
                        .maxWaitDuration(Duration.ofMillis(500)).build())
                .withMessage("maxWaitDuration must be at least waitDuration (PT1S), but was PT0.5S");
    }

    @Test
    void jitterAboveOneIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().jitter(1.5).build())
                .withMessage("jitter must be between 0 and 1, but was 1.5");
    }

    @Test
    void negativeJitterIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().jitter(-0.1).build())
                .withMessage("jitter must be between 0 and 1, but was -0.1");
    }

    @Test
    void negativeMaxDurationIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().maxDuration(Duration.ofSeconds(-5)).build())
                .withMessage("maxDuration must not be negative, but was PT-5S");
    }

    @Test
    void nullDurationIsRejectedNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> RetryConfig.builder().waitDuration(null).build())
                .withMessage("waitDuration must be set to a duration, but was null");
    }

    @Test
    void nullExceptionTypeGivenAsVarargsIsRejectedNamingTheList() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().retryExceptions(IOException.class, null).build())
                .withMessage("retryExceptions must not contain null, but was [class java.io.IOException, null]");
    }

    @Test
    void nullExceptionTypeIsRejectedNamingTheListAndItsValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().retryExceptions(Arrays.asList(IOException.class, null)).build())
                .withMessage("retryExceptions must not contain null, but was [class java.io.IOException, null]");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RetryConfig.builder().ignoreExceptions(Arrays.asList((Class<? extends Throwable>) null))
                        .build())
                .withMessage("ignoreExceptions must not contain null, but was [null]");
    }
}

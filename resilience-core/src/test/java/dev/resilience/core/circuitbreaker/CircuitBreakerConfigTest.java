package dev.resilience.core.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

class CircuitBreakerConfigTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        CircuitBreakerConfig config = CircuitBreakerConfig.ofDefaults();

        assertThat(config.slidingWindowType()).isEqualTo(SlidingWindowType.COUNT_BASED);
        assertThat(config.slidingWindowSize()).isEqualTo(100);
        assertThat(config.minimumNumberOfCalls()).isEqualTo(20);
        assertThat(config.failureRateThreshold()).isEqualTo(50f);
        assertThat(config.slowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.slowCallRateThreshold()).isEqualTo(100f);
        assertThat(config.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.permittedCallsInHalfOpenState()).isEqualTo(5);
        assertThat(config.maxWaitDurationInHalfOpenState()).isEqualTo(Duration.ZERO);
        assertThat(config.recordExceptions()).isEmpty();
        assertThat(config.ignoreExceptions()).isEmpty();
        assertThat(config.recordResult()).isNull();
        assertThat(config.countCallerInterruption()).isFalse();
        assertThat(config.writableStackTrace()).isFalse();
    }

    @Test
    void defaultsRecordEveryExceptionAndIgnoreNone() {
        CircuitBreakerConfig config = CircuitBreakerConfig.ofDefaults();

        assertThat(config.recordedFailures().matches(new IOException())).isTrue();
        assertThat(config.recordedFailures().matches(new IllegalStateException())).isTrue();
        assertThat(config.recordedFailures().matches(new StackOverflowError())).isTrue();
    }

    @Test
    void builderStartsFromTheDefaults() {
        CircuitBreakerConfig built = CircuitBreakerConfig.builder().build();

        assertThat(built).usingRecursiveComparison().isEqualTo(CircuitBreakerConfig.ofDefaults());
    }

    @Test
    void rejectsSlidingWindowSizeZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().slidingWindowSize(0).build())
                .withMessage("slidingWindowSize must be at least 1, but was 0");
    }

    @Test
    void rejectsMinimumNumberOfCallsZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().minimumNumberOfCalls(0).build())
                .withMessage("minimumNumberOfCalls must be at least 1, but was 0");
    }

    @Test
    void rejectsMinimumNumberOfCallsAboveCountBasedWindowSize() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().slidingWindowSize(10).minimumNumberOfCalls(11).build())
                .withMessage("minimumNumberOfCalls must not exceed slidingWindowSize (10) for a COUNT_BASED window, "
                        + "but was 11");
    }

    @Test
    void acceptsMinimumNumberOfCallsEqualToCountBasedWindowSize() {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().slidingWindowSize(10).minimumNumberOfCalls(10)
                .build();

        assertThat(config.minimumNumberOfCalls()).isEqualTo(10);
    }

    @Test
    void acceptsMinimumNumberOfCallsAboveTimeBasedWindowSeconds() {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().slidingWindowType(SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(50).build();

        assertThat(config.slidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
        assertThat(config.minimumNumberOfCalls()).isEqualTo(50);
    }

    @Test
    void rejectsFailureRateThresholdZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(0).build())
                .withMessage("failureRateThreshold must be greater than 0 and at most 100 (percent), but was 0");
    }

    @Test
    void rejectsFailureRateThresholdAboveHundred() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(101).build())
                .withMessage("failureRateThreshold must be greater than 0 and at most 100 (percent), but was 101");
    }

    @Test
    void rejectsFailureRateThresholdNaN() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(Float.NaN).build())
                .withMessage("failureRateThreshold must be greater than 0 and at most 100 (percent), but was NaN");
    }

    @Test
    void acceptsRateThresholdsOfExactlyHundred() {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureRateThreshold(100)
                .slowCallRateThreshold(100).build();

        assertThat(config.failureRateThreshold()).isEqualTo(100f);
        assertThat(config.slowCallRateThreshold()).isEqualTo(100f);
    }

    @Test
    void rejectsSlowCallDurationThresholdZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().slowCallDurationThreshold(Duration.ZERO).build())
                .withMessage("slowCallDurationThreshold must be greater than 0, but was PT0S");
    }

    @Test
    void rejectsNegativeSlowCallDurationThreshold() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder()
                        .slowCallDurationThreshold(Duration.ofMillis(-1)).build())
                .withMessage("slowCallDurationThreshold must be greater than 0, but was PT-0.001S");
    }

    @Test
    void rejectsSlowCallRateThresholdAboveHundred() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().slowCallRateThreshold(100.5f).build())
                .withMessage("slowCallRateThreshold must be greater than 0 and at most 100 (percent), but was 100.5");
    }

    @Test
    void rejectsSlowCallRateThresholdZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().slowCallRateThreshold(0).build())
                .withMessage("slowCallRateThreshold must be greater than 0 and at most 100 (percent), but was 0");
    }

    @Test
    void rejectsWaitDurationInOpenStateZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().waitDurationInOpenState(Duration.ZERO).build())
                .withMessage("waitDurationInOpenState must be greater than 0, but was PT0S");
    }

    @Test
    void rejectsNegativeWaitDurationInOpenState() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder()
                        .waitDurationInOpenState(Duration.ofSeconds(-5)).build())
                .withMessage("waitDurationInOpenState must be greater than 0, but was PT-5S");
    }

    @Test
    void rejectsPermittedCallsInHalfOpenStateZero() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().permittedCallsInHalfOpenState(0).build())
                .withMessage("permittedCallsInHalfOpenState must be at least 1, but was 0");
    }

    @Test
    void rejectsNegativeMaxWaitDurationInHalfOpenState() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder()
                        .maxWaitDurationInHalfOpenState(Duration.ofMillis(-1)).build())
                .withMessage("maxWaitDurationInHalfOpenState must not be negative, but was PT-0.001S");
    }

    @Test
    void rejectsMissingMaxWaitDurationInHalfOpenState() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().maxWaitDurationInHalfOpenState(null).build())
                .withMessage("maxWaitDurationInHalfOpenState must be set to a duration, but was null");
    }

    @Test
    void acceptsZeroMaxWaitDurationInHalfOpenStateAsNoLimit() {
        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .maxWaitDurationInHalfOpenState(Duration.ZERO).build();

        assertThat(config.maxWaitDurationInHalfOpenState()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsNullInRecordExceptionsList() {
        List<Class<? extends Throwable>> types = new ArrayList<>(Arrays.asList(IOException.class, null));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().recordExceptions(types).build())
                .withMessage("recordExceptions must not contain null, but was [class java.io.IOException, null]");
    }

    @Test
    void rejectsNullInIgnoreExceptionsList() {
        List<Class<? extends Throwable>> types = new ArrayList<>(Arrays.asList(null, IOException.class));

        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder().ignoreExceptions(types).build())
                .withMessage("ignoreExceptions must not contain null, but was [null, class java.io.IOException]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void rejectsNullAmongRecordExceptionsVarargs() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder()
                        .recordExceptions(IOException.class, (Class<? extends Throwable>) null).build())
                .withMessage("recordExceptions must not contain null, but was [class java.io.IOException, null]");
    }

    @Test
    @SuppressWarnings("unchecked")
    void rejectsNullAmongIgnoreExceptionsVarargs() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.builder()
                        .ignoreExceptions((Class<? extends Throwable>) null).build())
                .withMessage("ignoreExceptions must not contain null, but was [null]");
    }

    @Test
    void listsGivenToTheBuilderAreCopied() {
        List<Class<? extends Throwable>> types = new ArrayList<>(List.of(IOException.class));
        CircuitBreakerConfig.Builder builder = CircuitBreakerConfig.builder().recordExceptions(types);
        types.add(TimeoutException.class);

        assertThat(builder.build().recordExceptions()).containsExactly(IOException.class);
    }

    @Test
    void fromCopiesEverySetting() {
        Predicate<Object> nullIsFailure = result -> result == null;
        CircuitBreakerConfig base = CircuitBreakerConfig.builder()
                .slidingWindowType(SlidingWindowType.TIME_BASED)
                .slidingWindowSize(7)
                .minimumNumberOfCalls(30)
                .failureRateThreshold(33.5f)
                .slowCallDurationThreshold(Duration.ofMillis(250))
                .slowCallRateThreshold(80)
                .waitDurationInOpenState(Duration.ofSeconds(12))
                .permittedCallsInHalfOpenState(3)
                .maxWaitDurationInHalfOpenState(Duration.ofSeconds(20))
                .recordExceptions(IOException.class, TimeoutException.class)
                .ignoreExceptions(FileNotFoundException.class)
                .recordResult(nullIsFailure)
                .countCallerInterruption(true)
                .writableStackTrace(true)
                .build();

        CircuitBreakerConfig copy = CircuitBreakerConfig.from(base).build();

        assertThat(copy.slidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
        assertThat(copy.slidingWindowSize()).isEqualTo(7);
        assertThat(copy.minimumNumberOfCalls()).isEqualTo(30);
        assertThat(copy.failureRateThreshold()).isEqualTo(33.5f);
        assertThat(copy.slowCallDurationThreshold()).isEqualTo(Duration.ofMillis(250));
        assertThat(copy.slowCallRateThreshold()).isEqualTo(80f);
        assertThat(copy.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(12));
        assertThat(copy.permittedCallsInHalfOpenState()).isEqualTo(3);
        assertThat(copy.maxWaitDurationInHalfOpenState()).isEqualTo(Duration.ofSeconds(20));
        assertThat(copy.recordExceptions()).containsExactly(IOException.class, TimeoutException.class);
        assertThat(copy.ignoreExceptions()).containsExactly(FileNotFoundException.class);
        assertThat(copy.recordResult()).isSameAs(nullIsFailure);
        assertThat(copy.countCallerInterruption()).isTrue();
        assertThat(copy.writableStackTrace()).isTrue();
        assertThat(copy.recordedFailures()).isEqualTo(base.recordedFailures());
        assertThat(copy).usingRecursiveComparison().isEqualTo(base);
    }

    @Test
    void fromLetsOverridesLeaveTheBaseUnchanged() {
        CircuitBreakerConfig base = CircuitBreakerConfig.builder().failureRateThreshold(20)
                .recordExceptions(IOException.class).build();

        CircuitBreakerConfig derived = CircuitBreakerConfig.from(base).failureRateThreshold(70)
                .recordExceptions(TimeoutException.class).build();

        assertThat(derived.failureRateThreshold()).isEqualTo(70f);
        assertThat(derived.recordExceptions()).containsExactly(TimeoutException.class);
        assertThat(base.failureRateThreshold()).isEqualTo(20f);
        assertThat(base.recordExceptions()).containsExactly(IOException.class);
    }

    @Test
    void fromValidatesTheDerivedConfig() {
        CircuitBreakerConfig base = CircuitBreakerConfig.builder().slidingWindowType(SlidingWindowType.TIME_BASED)
                .slidingWindowSize(5).minimumNumberOfCalls(50).build();

        assertThatIllegalArgumentException()
                .isThrownBy(() -> CircuitBreakerConfig.from(base).slidingWindowType(SlidingWindowType.COUNT_BASED)
                        .build())
                .withMessage("minimumNumberOfCalls must not exceed slidingWindowSize (5) for a COUNT_BASED window, "
                        + "but was 50");
    }

    @Test
    void toStringShowsTheSettings() {
        String text = CircuitBreakerConfig.builder().slidingWindowSize(42).minimumNumberOfCalls(7)
                .maxWaitDurationInHalfOpenState(Duration.ofSeconds(10)).build().toString();

        assertThat(text).contains("slidingWindowSize=42", "minimumNumberOfCalls=7", "failureRateThreshold=50.0",
                "waitDurationInOpenState=PT30S", "maxWaitDurationInHalfOpenState=PT10S");
    }
}

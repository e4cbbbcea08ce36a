package dev.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import dev.resilience.core.InvalidConfigException.Notation;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.SlidingWindowType;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.TimeoutConfig;

/** Every kind of invalid setting carries the setting, the value and what is allowed as data. */
class InvalidConfigExceptionTest {

    /** Writes settings and values as yml does: what the Spring Boot starter does with this data. */
    private static final Notation KEBAB = new Notation() {
        @Override
        public String setting(String setting) {
            return setting.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        }

        @Override
        public String value(Object value) {
            return value instanceof Enum<?> constant ? constant.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    : Notation.super.value(value);
        }
    };

    @Test
    void isAnIllegalArgumentException() {
        assertThat(invalid(() -> RetryConfig.builder().maxAttempts(0).build()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numberBelowItsMinimum() {
        InvalidConfigException e = invalid(() -> RetryConfig.builder().maxAttempts(0).build());

        assertThat(e.setting()).isEqualTo("maxAttempts");
        assertThat(e.value()).isEqualTo(0);
        assertThat(e.expected()).isEqualTo("at least 1");
        assertThat(e).hasMessage("maxAttempts must be at least 1, but was 0");
    }

    @Test
    void percentageOutOfRange() {
        InvalidConfigException e = invalid(() -> CircuitBreakerConfig.builder().failureRateThreshold(150).build());

        assertThat(e.setting()).isEqualTo("failureRateThreshold");
        assertThat(e.value()).isEqualTo(150f);
        assertThat(e.expected()).isEqualTo("greater than 0 and at most 100 (percent)");
        assertThat(e).hasMessage("failureRateThreshold must be greater than 0 and at most 100 (percent), but was 150");
    }

    @Test
    void fractionOutOfRange() {
        InvalidConfigException e = invalid(() -> RetryConfig.builder().jitter(1.5).build());

        assertThat(e.setting()).isEqualTo("jitter");
        assertThat(e.value()).isEqualTo(1.5);
        assertThat(e.expected()).isEqualTo("between 0 and 1");
        assertThat(e).hasMessage("jitter must be between 0 and 1, but was 1.5");
    }

    @Test
    void multiplierBelowOne() {
        InvalidConfigException e = invalid(() -> RetryConfig.builder().backoffMultiplier(0.5).build());

        assertThat(e.setting()).isEqualTo("backoffMultiplier");
        assertThat(e.value()).isEqualTo(0.5);
        assertThat(e.expected()).isEqualTo("at least 1.0");
        assertThat(e).hasMessage("backoffMultiplier must be at least 1.0, but was 0.5");
    }

    @Test
    void durationThatMustBePositive() {
        InvalidConfigException e = invalid(() -> TimeoutConfig.of(Duration.ZERO));

        assertThat(e.setting()).isEqualTo("duration");
        assertThat(e.value()).isEqualTo(Duration.ZERO);
        assertThat(e.expected()).isEqualTo("greater than 0");
        assertThat(e).hasMessage("duration must be greater than 0, but was PT0S");
    }

    @Test
    void negativeDuration() {
        InvalidConfigException e = invalid(() -> BulkheadConfig.builder().maxWaitDuration(Duration.ofMillis(-5))
                .build());

        assertThat(e.setting()).isEqualTo("maxWaitDuration");
        assertThat(e.value()).isEqualTo(Duration.ofMillis(-5));
        assertThat(e.expected()).isEqualTo("not negative");
        assertThat(e).hasMessage("maxWaitDuration must not be negative, but was PT-0.005S");
    }

    @Test
    void missingDuration() {
        InvalidConfigException e = invalid(() -> CircuitBreakerConfig.builder().waitDurationInOpenState(null).build());

        assertThat(e.setting()).isEqualTo("waitDurationInOpenState");
        assertThat(e.value()).isNull();
        assertThat(e.expected()).isEqualTo("a duration");
        assertThat(e).hasMessage("waitDurationInOpenState must be set to a duration, but was null");
    }

    @Test
    void missingSlidingWindowType() {
        InvalidConfigException e = invalid(() -> CircuitBreakerConfig.builder().slidingWindowType(null).build());

        assertThat(e.setting()).isEqualTo("slidingWindowType");
        assertThat(e.value()).isNull();
        assertThat(e.expected()).isEqualTo("COUNT_BASED or TIME_BASED");
        assertThat(e).hasMessage("slidingWindowType must be set to COUNT_BASED or TIME_BASED, but was null");
    }

    @Test
    void exceptionListWithANullElement() {
        List<Class<? extends Throwable>> types = Arrays.asList(IOException.class, null);

        InvalidConfigException e = invalid(() -> RetryConfig.builder().retryExceptions(types).build());

        assertThat(e.setting()).isEqualTo("retryExceptions");
        assertThat(e.value()).isEqualTo(types);
        assertThat(e.expected()).isEqualTo("a list without null elements");
        assertThat(e).hasMessage("retryExceptions must not contain null, but was [class java.io.IOException, null]");
    }

    @Test
    void missingExceptionList() {
        InvalidConfigException e = invalid(() -> CircuitBreakerConfig.builder()
                .ignoreExceptions((List<Class<? extends Throwable>>) null).build());

        assertThat(e.setting()).isEqualTo("ignoreExceptions");
        assertThat(e.value()).isNull();
        assertThat(e.expected()).isEqualTo("a list of exception types");
        assertThat(e).hasMessage("ignoreExceptions must be set to a list of exception types, but was null");
    }

    @Test
    void missingFallbackListGivenAsVarargs() {
        InvalidConfigException e = invalid(() -> Fallback.builder("inventory", failure -> "x")
                .applyOn((Class<? extends Throwable>[]) null).build());

        assertThat(e.setting()).isEqualTo("applyOn");
        assertThat(e).hasMessage("applyOn must be set to a list of exception types, but was null");
    }

    @Test
    void blankName() {
        InvalidConfigException e = invalid(() -> CircuitBreaker.of(" ", CircuitBreakerConfig.ofDefaults()));

        assertThat(e.setting()).isEqualTo("name");
        assertThat(e.value()).isEqualTo(" ");
        assertThat(e.expected()).isEqualTo("not blank");
        assertThat(e).hasMessage("name must not be blank, but was ' '");
    }

    @Test
    void minimumNumberOfCallsAboveTheCountBasedWindowNamesTheOtherSetting() {
        InvalidConfigException e = invalid(() -> CircuitBreakerConfig.builder().slidingWindowSize(5)
                .minimumNumberOfCalls(10).build());

        assertThat(e.setting()).isEqualTo("minimumNumberOfCalls");
        assertThat(e.value()).isEqualTo(10);
        assertThat(e.expected()).isEqualTo("at most slidingWindowSize (5) for a COUNT_BASED window");
        assertThat(e).hasMessage("minimumNumberOfCalls must not exceed slidingWindowSize (5) for a COUNT_BASED "
                + "window, but was 10");
        assertThat(e.expected(KEBAB)).isEqualTo("at most sliding-window-size (5) for a count-based window");
        assertThat(e.problem(KEBAB))
                .isEqualTo("must not exceed sliding-window-size (5) for a count-based window, but was 10");
    }

    @Test
    void maxWaitShorterThanWaitNamesTheOtherSetting() {
        InvalidConfigException e = invalid(() -> RetryConfig.builder().waitDuration(Duration.ofSeconds(2))
                .maxWaitDuration(Duration.ofSeconds(1)).build());

        assertThat(e.setting()).isEqualTo("maxWaitDuration");
        assertThat(e.value()).isEqualTo(Duration.ofSeconds(1));
        assertThat(e.expected()).isEqualTo("at least waitDuration (PT2S)");
        assertThat(e).hasMessage("maxWaitDuration must be at least waitDuration (PT2S), but was PT1S");
        assertThat(e.problem(KEBAB)).isEqualTo("must be at least wait-duration (PT2S), but was PT1S");
    }

    @Test
    void problemInJavaNotationIsTheMessageAfterTheSetting() {
        InvalidConfigException e = invalid(() -> BulkheadConfig.builder().maxConcurrentCalls(0).build());

        assertThat(e.problem(Notation.JAVA)).isEqualTo("must be at least 1, but was 0");
        assertThat(e.expected(Notation.JAVA)).isEqualTo(e.expected());
    }

    @Test
    void notationWritesValuesOfItsOwn() {
        InvalidConfigException e = new InvalidConfigException("slidingWindowType", SlidingWindowType.TIME_BASED,
                n -> "not " + n.value(SlidingWindowType.TIME_BASED),
                n -> "not be " + n.value(SlidingWindowType.TIME_BASED));

        assertThat(e).hasMessage("slidingWindowType must not be TIME_BASED, but was TIME_BASED");
        assertThat(e.problem(KEBAB)).isEqualTo("must not be time-based, but was time-based");
    }

    @Test
    void javaNotationWritesWholeNumbersWithoutAFractionAndQuotesStrings() {
        assertThat(Notation.JAVA.value(100f)).isEqualTo("100");
        assertThat(Notation.JAVA.value(100.5f)).isEqualTo("100.5");
        assertThat(Notation.JAVA.value(Float.NaN)).isEqualTo("NaN");
        assertThat(Notation.JAVA.value(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(Notation.JAVA.value("backend")).isEqualTo("'backend'");
        assertThat(Notation.JAVA.value(null)).isEqualTo("null");
    }

    @Test
    void survivesSerializationWithItsSettingExpectationAndMessage() throws Exception {
        InvalidConfigException e = invalid(() -> RetryConfig.builder().waitDuration(Duration.ofSeconds(2))
                .maxWaitDuration(Duration.ofSeconds(1)).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(e);
        }

        InvalidConfigException copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (InvalidConfigException) in.readObject();
        }

        assertThat(copy).hasMessage(e.getMessage());
        assertThat(copy.setting()).isEqualTo("maxWaitDuration");
        assertThat(copy.expected()).isEqualTo("at least waitDuration (PT2S)");
        assertThat(copy.problem(KEBAB)).as("the phrases do not travel").isEqualTo(e.problem(Notation.JAVA));
    }

    private static InvalidConfigException invalid(ThrowingCallable build) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, build);
        assertThat(e).as("an InvalidConfigException").isNotNull();
        return e;
    }
}

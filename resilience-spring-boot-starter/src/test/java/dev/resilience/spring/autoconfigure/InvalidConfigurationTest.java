package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

/**
 * Every invalid {@code resilience.*} value stops start-up with a message that names the full property path,
 * the value and what is allowed.
 */
class InvalidConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void unknownExceptionClassStopsStartUp() {
        runner.withPropertyValues(
                "resilience.retry.instances.backend.retry-exceptions=java.io.IOException,com.example.NoSuchException")
                .run(failsWith("resilience.retry.instances.backend.retry-exceptions[1] names class "
                        + "'com.example.NoSuchException', which was not found; "
                        + "expected the fully qualified name of an exception type"));
    }

    @Test
    void classThatIsNotThrowableStopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.configs.default.record-exceptions=java.lang.String")
                .run(failsWith("resilience.circuitbreaker.configs.default.record-exceptions[0] names "
                        + "java.lang.String, which is not a Throwable; "
                        + "expected the fully qualified name of an exception type"));
    }

    @Test
    void negativeTimeoutDurationStopsStartUp() {
        runner.withPropertyValues("resilience.timeout.instances.backend.duration=-1s")
                .run(failsWith("resilience.timeout.instances.backend.duration must be greater than 0, but was PT-1S"));
    }

    @Test
    void negativeRetryWaitDurationStopsStartUp() {
        runner.withPropertyValues("resilience.retry.configs.default.wait-duration=-100ms")
                .run(failsWith("resilience.retry.configs.default.wait-duration must not be negative, but was PT-0.1S"));
    }

    @Test
    void negativeBulkheadWaitStopsStartUp() {
        runner.withPropertyValues("resilience.bulkhead.instances.backend.max-wait-duration=-5ms")
                .run(failsWith("resilience.bulkhead.instances.backend.max-wait-duration must not be negative, "
                        + "but was PT-0.005S"));
    }

    @Test
    void negativeOpenStateWaitStopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.instances.backend.wait-duration-in-open-state=-1s")
                .run(failsWith("resilience.circuitbreaker.instances.backend.wait-duration-in-open-state must be "
                        + "greater than 0, but was PT-1S"));
    }

    @Test
    void failureRateThresholdOver100StopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.instances.backend.failure-rate-threshold=101")
                .run(failsWith("resilience.circuitbreaker.instances.backend.failure-rate-threshold must be greater "
                        + "than 0 and at most 100 (percent), but was 101"));
    }

    @Test
    void slowCallRateThresholdOver100StopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.configs.shared.slow-call-rate-threshold=100.5")
                .run(failsWith("resilience.circuitbreaker.configs.shared.slow-call-rate-threshold must be greater "
                        + "than 0 and at most 100 (percent), but was 100.5"));
    }

    @Test
    void baseConfigThatDoesNotExistStopsStartUp() {
        runner.withPropertyValues("resilience.retry.configs.shared.max-attempts=5",
                "resilience.retry.instances.backend.base-config=missing")
                .run(failsAt("resilience.retry.instances.backend.base-config",
                        "must be one of the defined configs [default, shared], but was 'missing'"));
    }

    @Test
    void invalidValueInTheDefaultConfigIsReportedThereEvenWhenOnlyAnInstanceUsesIt() {
        runner.withPropertyValues("resilience.retry.configs.default.max-attempts=0",
                "resilience.retry.instances.backend.wait-duration=1s")
                .run(failsAt("resilience.retry.configs.default.max-attempts", "must be at least 1, but was 0"));
    }

    @Test
    void invalidValueInANamedBaseConfigIsReportedAtThatConfigNotAtTheInstance() {
        runner.withPropertyValues("resilience.retry.configs.shared.jitter=2",
                "resilience.retry.instances.backend.base-config=shared",
                "resilience.retry.instances.backend.max-attempts=5")
                .run(failsAt("resilience.retry.configs.shared.jitter", "must be between 0 and 1, but was 2"));
    }

    @Test
    void invalidValueOfAnInstanceIsReportedAtTheInstance() {
        runner.withPropertyValues("resilience.circuitbreaker.configs.shared.failure-rate-threshold=20",
                "resilience.circuitbreaker.instances.backend.base-config=shared",
                "resilience.circuitbreaker.instances.backend.permitted-calls-in-half-open-state=0")
                .run(failsAt("resilience.circuitbreaker.instances.backend.permitted-calls-in-half-open-state",
                        "must be at least 1, but was 0"));
    }

    @Test
    void valueThatConflictsWithAnInheritedOneIsReportedAtTheLevelThatMakesTheConflict() {
        runner.withPropertyValues("resilience.circuitbreaker.configs.default.minimum-number-of-calls=50",
                "resilience.circuitbreaker.configs.small.sliding-window-size=10")
                .run(failsAt("resilience.circuitbreaker.configs.small.minimum-number-of-calls",
                        "must not exceed sliding-window-size (10) for a count-based window, but was 50"));
    }

    @Test
    void failureAnalysisNamesThePropertyToCorrect() {
        runner.withPropertyValues("resilience.bulkhead.configs.narrow.max-concurrent-calls=0")
                .run(context -> {
                    FailureAnalysis analysis = new ResilienceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).isEqualTo("Invalid resilience configuration: "
                            + "resilience.bulkhead.configs.narrow.max-concurrent-calls must be at least 1, but was 0");
                    assertThat(analysis.getAction()).startsWith(
                            "Correct 'resilience.bulkhead.configs.narrow.max-concurrent-calls' in the application's");
                });
    }

    @Test
    void baseConfigOfASharedConfigThatDoesNotExistStopsStartUp() {
        runner.withPropertyValues("resilience.timeout.configs.shared.base-config=missing")
                .run(failsAt("resilience.timeout.configs.shared.base-config",
                        "must be one of the defined configs [default, shared], but was 'missing'"));
    }

    @Test
    void configThatIsItsOwnBaseStopsStartUp() {
        runner.withPropertyValues("resilience.bulkhead.configs.loop.base-config=loop")
                .run(failsAt("resilience.bulkhead.configs.loop.base-config",
                        "must not form a cycle (loop -> loop), but was 'loop'"));
    }

    @Test
    void defaultWithAnotherBaseConfigStopsStartUp() {
        // default sits on the built-in defaults, so a base for it could only lead back to it.
        runner.withPropertyValues("resilience.circuitbreaker.configs.default.base-config=shared",
                "resilience.circuitbreaker.configs.shared.sliding-window-size=10")
                .run(failsAt("resilience.circuitbreaker.configs.default.base-config", "must be 'default' or none "
                        + "(config 'default' derives from the built-in defaults), but was 'shared'"));
    }

    @Test
    void baseConfigCycleBetweenSharedConfigsStopsStartUp() {
        runner.withPropertyValues("resilience.retry.configs.first.base-config=second",
                "resilience.retry.configs.second.base-config=first")
                .run(failsAt("resilience.retry.configs.second.base-config",
                        "must not form a cycle (first -> second -> first), but was 'first'"));
    }

    @Test
    void misspelledKeyStopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.instances.backend.failure-rate-treshold=50")
                .run(failsWithMessageContaining("resilience.circuitbreaker.instances.backend.failure-rate-treshold"));
    }

    @Test
    void misspelledKeyInASharedConfigStopsStartUp() {
        runner.withPropertyValues("resilience.retry.configs.default.max-attempt=5")
                .run(failsWithMessageContaining("resilience.retry.configs.default.max-attempt"));
    }

    @Test
    void misspelledPolicyStopsStartUp() {
        runner.withPropertyValues("resilience.retyr.configs.default.max-attempts=5")
                .run(failsWithMessageContaining("resilience.retyr.configs.default.max-attempts"));
    }

    @Test
    void zeroMaxAttemptsStopsStartUp() {
        runner.withPropertyValues("resilience.retry.instances.backend.max-attempts=0")
                .run(failsWith("resilience.retry.instances.backend.max-attempts must be at least 1, but was 0"));
    }

    @Test
    void jitterAboveOneStopsStartUp() {
        runner.withPropertyValues("resilience.retry.instances.backend.jitter=1.5")
                .run(failsWith("resilience.retry.instances.backend.jitter must be between 0 and 1, but was 1.5"));
    }

    @Test
    void maxWaitShorterThanWaitStopsStartUp() {
        runner.withPropertyValues("resilience.retry.instances.backend.wait-duration=2s",
                "resilience.retry.instances.backend.max-wait-duration=1s")
                .run(failsWithMessageContaining("resilience.retry.instances.backend.max-wait-duration must be at "
                        + "least", "(PT2S), but was PT1S"));
    }

    @Test
    void maxWaitShorterThanWaitNamesTheOtherSettingAsInYml() {
        runner.withPropertyValues("resilience.retry.instances.backend.wait-duration=2s",
                "resilience.retry.instances.backend.max-wait-duration=1s")
                .run(failsWith("resilience.retry.instances.backend.max-wait-duration must be at least "
                        + "wait-duration (PT2S), but was PT1S"));
    }

    @Test
    void backoffMultiplierBelowOneStopsStartUp() {
        runner.withPropertyValues("resilience.retry.configs.default.backoff-multiplier=0.5")
                .run(failsWith("resilience.retry.configs.default.backoff-multiplier must be at least 1.0, "
                        + "but was 0.5"));
    }

    @Test
    void zeroMaxConcurrentCallsStopsStartUp() {
        runner.withPropertyValues("resilience.bulkhead.instances.backend.max-concurrent-calls=0")
                .run(failsWith("resilience.bulkhead.instances.backend.max-concurrent-calls must be at least 1, "
                        + "but was 0"));
    }

    @Test
    void minimumCallsAboveCountBasedWindowStopsStartUp() {
        runner.withPropertyValues("resilience.circuitbreaker.instances.backend.sliding-window-size=5",
                "resilience.circuitbreaker.instances.backend.minimum-number-of-calls=10")
                .run(failsWith("resilience.circuitbreaker.instances.backend.minimum-number-of-calls must not exceed "
                        + "sliding-window-size (5) for a count-based window, but was 10"));
    }

    @Test
    void unknownSlidingWindowTypeStopsStartUp() {
        // A value that cannot be converted is reported by Spring Boot's binder, whose failure analyzer prints
        // the property, the value and the reason.
        runner.withPropertyValues("resilience.circuitbreaker.instances.backend.sliding-window-type=sliding")
                .run(context -> {
                    assertThat(context).hasFailed();
                    BindException bind = findCause(context.getStartupFailure(), BindException.class);
                    assertThat(bind.getProperty().getName())
                            .hasToString("resilience.circuitbreaker.instances.backend.sliding-window-type");
                    assertThat(bind.getProperty().getValue()).isEqualTo("sliding");
                });
    }

    @Test
    void invalidInstanceIsReportedEvenWhenNoAnnotationUsesIt() {
        // Validation happens at start-up, not when the instance is first used.
        runner.withPropertyValues("resilience.timeout.instances.unused.duration=0s")
                .run(failsWith("resilience.timeout.instances.unused.duration must be greater than 0, but was PT0S"));
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String message) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(message);
        };
    }

    private static ContextConsumer<AssertableApplicationContext> failsAt(String property, String problem) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(property + " " + problem);
            assertThat(findCause(context.getStartupFailure(), InvalidResilienceConfigException.class).property())
                    .isEqualTo(property);
        };
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getName() + " in the causes of " + failure);
    }

    private static ContextConsumer<AssertableApplicationContext> failsWithMessageContaining(String... parts) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContainingAll(parts);
        };
    }
}

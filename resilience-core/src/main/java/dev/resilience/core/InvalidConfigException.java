package dev.resilience.core;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A setting a config builder or a {@link PolicyRegistry} rejects. It carries, as data, the setting as the builder
 * calls it, the rejected value and what is allowed, so a caller can report the error in its own terms without
 * reading the message: the Spring Boot starter, for one, names the yml property path and writes settings and
 * values as they are written in yml.
 *
 * <pre>{@code
 * try {
 *     CircuitBreakerConfig.builder().failureRateThreshold(150).build();
 * } catch (InvalidConfigException e) {
 *     e.setting();     // "failureRateThreshold"
 *     e.value();       // 150.0f
 *     e.expected();    // "greater than 0 and at most 100 (percent)"
 *     e.getMessage();  // "failureRateThreshold must be greater than 0 and at most 100 (percent), but was 150"
 * }
 * }</pre>
 *
 * <p>It is an {@link IllegalArgumentException}, so code that catches that keeps working. When a registry
 * resolves a config, an error raised while deriving one of its levels names that level ({@link #level()}), and
 * the message starts with it: {@code config 'backend': maxAttempts must be at least 1, but was 0}.
 */
public class InvalidConfigException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String setting;
    private final transient Object value;
    private final String expected;
    private final String problem;
    private final transient Function<Notation, String> expectedPhrase;
    private final transient Function<Notation, String> requirement;
    private final PolicyRegistry.Level level;

    /**
     * A value outside what is allowed; the message reads {@code <setting> must be <expected>, but was <value>}.
     *
     * @param setting  the setting as the builder calls it, e.g. {@code maxAttempts}
     * @param value    the rejected value as given, may be {@code null}
     * @param expected what is allowed, e.g. {@code at least 1}
     */
    public InvalidConfigException(String setting, Object value, String expected) {
        this(setting, value, notation -> expected);
    }

    /**
     * Like {@link #InvalidConfigException(String, Object, String)}, for an expectation that mentions other
     * settings or values, written the way {@code notation} writes them.
     *
     * @param expected what is allowed, e.g. {@code n -> "at least " + n.setting("waitDuration") + ...}
     */
    public InvalidConfigException(String setting, Object value, Function<Notation, String> expected) {
        this(setting, value, expected, notation -> "be " + expected.apply(notation));
    }

    /**
     * A rejected value whose message does not read {@code must be <expected>}.
     *
     * @param expected    what is allowed, e.g. {@code not negative}
     * @param requirement what the setting must do, completing {@code <setting> must ...}, e.g. {@code not be negative}
     */
    public InvalidConfigException(String setting, Object value, Function<Notation, String> expected,
            Function<Notation, String> requirement) {
        this(setting, value, expected, requirement, null);
    }

    private InvalidConfigException(String setting, Object value, Function<Notation, String> expected,
            Function<Notation, String> requirement, PolicyRegistry.Level level) {
        super((level == null ? "" : level + ": ") + Objects.requireNonNull(setting, "setting") + " "
                + describe(requirement, value, Notation.JAVA));
        this.setting = setting;
        this.value = value;
        this.expected = expected.apply(Notation.JAVA);
        this.problem = describe(requirement, value, Notation.JAVA);
        this.expectedPhrase = expected;
        this.requirement = requirement;
        this.level = level;
    }

    private static String describe(Function<Notation, String> requirement, Object value, Notation notation) {
        return "must " + requirement.apply(notation) + ", but was " + notation.value(value);
    }

    /** The same error, raised while deriving {@code level} of a registry. */
    InvalidConfigException at(PolicyRegistry.Level level) {
        InvalidConfigException located = new InvalidConfigException(setting, value, expectedPhrase, requirement,
                Objects.requireNonNull(level, "level"));
        located.setStackTrace(getStackTrace());
        return located;
    }

    /** The rejected setting as the builder calls it, e.g. {@code failureRateThreshold}. */
    public String setting() {
        return setting;
    }

    /** The rejected value as it was given; {@code null} when none was. */
    public Object value() {
        return value;
    }

    /** What is allowed, e.g. {@code greater than 0 and at most 100 (percent)}. */
    public String expected() {
        return expected;
    }

    /** What is allowed, with settings and values written in {@code notation}. */
    public String expected(Notation notation) {
        return expectedPhrase == null ? expected : expectedPhrase.apply(notation);
    }

    /**
     * The message after the setting, with settings and values written in {@code notation}: {@code must not exceed
     * sliding-window-size (5) for a count-based window, but was 10} in a yml notation.
     */
    public String problem(Notation notation) {
        // Deserialized, the phrases are gone: what they said in Java notation remains.
        return requirement == null ? problem : describe(requirement, value, notation);
    }

    /** The registry level (shared config or instance) whose settings were rejected, if a registry found it. */
    public Optional<PolicyRegistry.Level> level() {
        return Optional.ofNullable(level);
    }

    /**
     * How a message writes setting names and values. {@link #JAVA} is the notation of
     * {@link InvalidConfigException#getMessage()}; a caller that configures through another notation (yml keys,
     * say) overrides what differs.
     */
    public interface Notation {

        /** Settings as the builders call them; values as Java prints them, strings quoted. */
        Notation JAVA = new Notation() {
        };

        /** How {@code setting}, named as the builder calls it, is written. */
        default String setting(String setting) {
            return setting;
        }

        /** How {@code value} is written: whole floating-point numbers without a fraction, strings quoted. */
        default String value(Object value) {
            if (value instanceof Double || value instanceof Float) {
                double number = ((Number) value).doubleValue();
                if (number == Math.rint(number) && !Double.isInfinite(number)) {
                    return String.valueOf((long) number);
                }
            }
            if (value instanceof CharSequence) {
                return "'" + value + "'";
            }
            return String.valueOf(value);
        }
    }
}

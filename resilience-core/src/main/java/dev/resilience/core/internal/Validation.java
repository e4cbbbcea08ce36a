package dev.resilience.core.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.InvalidConfigException.Notation;

/**
 * The checks every config builder shares, so each error names the setting, the value and what is allowed in
 * the same words. Every check throws {@link InvalidConfigException}.
 */
public final class Validation {

    private Validation() {
    }

    /** An instance name: not null, not blank. */
    public static String name(String name) {
        Objects.requireNonNull(name, "name");
        return notBlank("name", name);
    }

    /** A name given as {@code setting}, e.g. a base config: not null, not blank. */
    public static String notBlank(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(setting, value, n -> "not blank", n -> "not be blank");
        }
        return value;
    }

    /** {@code value} must be at least {@code min}. */
    public static int atLeast(String setting, int value, int min) {
        if (value < min) {
            throw new InvalidConfigException(setting, value, "at least " + min);
        }
        return value;
    }

    /** {@code value} must lie in [{@code min}, {@code max}]. */
    public static double between(String setting, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new InvalidConfigException(setting, value,
                    n -> "between " + n.value(min) + " and " + n.value(max));
        }
        return value;
    }

    /** {@code value} must lie in (0, 100]: a percentage threshold. */
    public static float percentage(String setting, float value) {
        if (!(value > 0 && value <= 100)) {
            throw new InvalidConfigException(setting, value, "greater than 0 and at most 100 (percent)");
        }
        return value;
    }

    /** {@code value} must be at least 1.0. */
    public static double atLeastOne(String setting, double value) {
        if (!(value >= 1.0)) {
            throw new InvalidConfigException(setting, value, "at least 1.0");
        }
        return value;
    }

    /** {@code value} must be greater than zero. */
    public static Duration positive(String setting, Duration value) {
        required(setting, value, n -> "a duration");
        if (value.isNegative() || value.isZero()) {
            throw new InvalidConfigException(setting, value, "greater than 0");
        }
        return value;
    }

    /** {@code value} must not be negative; zero is allowed. */
    public static Duration notNegative(String setting, Duration value) {
        required(setting, value, n -> "a duration");
        if (value.isNegative()) {
            throw new InvalidConfigException(setting, value, n -> "not negative", n -> "not be negative");
        }
        return value;
    }

    /** {@code value} must be set; {@code expected} says to what, e.g. {@code a duration}. */
    public static <T> T required(String setting, T value, Function<Notation, String> expected) {
        if (value == null) {
            throw new InvalidConfigException(setting, null, expected, n -> "be set to " + expected.apply(n));
        }
        return value;
    }

    /** A list of exception types: set, without null elements. */
    public static <T extends List<?>> T noNulls(String setting, T types) {
        required(setting, types, n -> "a list of exception types");
        if (types.stream().anyMatch(Objects::isNull)) {
            throw new InvalidConfigException(setting, types, n -> "a list without null elements",
                    n -> "not contain null");
        }
        return types;
    }
}

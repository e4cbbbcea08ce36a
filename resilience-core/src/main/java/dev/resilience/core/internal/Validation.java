package dev.resilience.core.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks every config builder shares, so each message names the setting, the value and what is
 * allowed in the same words.
 */
public final class Validation {

    private Validation() {
    }

    /** An instance name: not null, not blank. */
    public static String name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name;
    }

    /** {@code value} must be at least {@code min}. */
    public static int atLeast(String setting, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(setting + " must be at least " + min + ", but was " + value);
        }
        return value;
    }

    /** {@code value} must lie in [{@code min}, {@code max}]. */
    public static double between(String setting, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    setting + " must be between " + format(min) + " and " + format(max) + ", but was " + format(value));
        }
        return value;
    }

    /** {@code value} must lie in (0, 100]: a percentage threshold. */
    public static float percentage(String setting, float value) {
        if (!(value > 0 && value <= 100)) {
            throw new IllegalArgumentException(
                    setting + " must be greater than 0 and at most 100 (percent), but was " + format(value));
        }
        return value;
    }

    /** {@code value} must be at least 1.0. */
    public static double atLeastOne(String setting, double value) {
        if (!(value >= 1.0)) {
            throw new IllegalArgumentException(setting + " must be at least 1.0, but was " + format(value));
        }
        return value;
    }

    /** {@code value} must be greater than zero. */
    public static Duration positive(String setting, Duration value) {
        requirePresent(setting, value);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + " must be greater than 0, but was " + value);
        }
        return value;
    }

    /** {@code value} must not be negative; zero is allowed. */
    public static Duration notNegative(String setting, Duration value) {
        requirePresent(setting, value);
        if (value.isNegative()) {
            throw new IllegalArgumentException(setting + " must not be negative, but was " + value);
        }
        return value;
    }

    private static void requirePresent(String setting, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(setting + " must be set to a duration, but was null");
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}

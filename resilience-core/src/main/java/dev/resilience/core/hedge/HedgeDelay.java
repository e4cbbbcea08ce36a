package dev.resilience.core.hedge;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.resilience.core.InvalidConfigException;

/**
 * How long a hedge waits before it launches an extra attempt: a fixed duration ({@code 100ms}), or a
 * percentile of the latency the hedge measured recently ({@code p95}), used once enough calls are measured.
 * Immutable; {@link #parse} reads the forms a property file uses.
 */
public final class HedgeDelay {

    private static final Pattern PERCENTILE = Pattern.compile("[pP](\\d+(?:\\.\\d+)?)");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)");

    private final Duration duration;
    private final double percentile;

    private HedgeDelay(Duration duration, double percentile) {
        this.duration = duration;
        this.percentile = percentile;
    }

    /** A fixed delay. */
    public static HedgeDelay of(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        return new HedgeDelay(duration, Double.NaN);
    }

    /** The {@code percentile}-th percentile (greater than 0, less than 100) of recent latency. */
    public static HedgeDelay percentile(double percentile) {
        return new HedgeDelay(null, percentile);
    }

    /**
     * Reads {@code text}: a percentile {@code p<number>} (e.g. {@code p95}, {@code p99.9}), or a duration as
     * {@code <number><unit>} with a unit of ns, us, ms, s, m, h, d (e.g. {@code 100ms}), or in ISO-8601
     * ({@code PT0.1S}).
     *
     * @param setting the setting's name, for the message
     * @throws InvalidConfigException naming {@code setting}, the value and what is expected
     */
    public static HedgeDelay parse(String setting, String text) {
        if (text == null || text.isBlank()) {
            throw invalid(setting, text);
        }
        String trimmed = text.trim();
        Matcher percentile = PERCENTILE.matcher(trimmed);
        if (percentile.matches()) {
            return validated(setting, percentile(Double.parseDouble(percentile.group(1))), text);
        }
        Matcher simple = SIMPLE_DURATION.matcher(trimmed.toLowerCase(Locale.ROOT));
        Duration duration;
        if (simple.matches()) {
            long amount;
            try {
                amount = Long.parseLong(simple.group(1));
            } catch (NumberFormatException tooLarge) {
                throw invalid(setting, text);
            }
            duration = switch (simple.group(2)) {
                case "ns" -> Duration.ofNanos(amount);
                case "us" -> Duration.ofNanos(amount).multipliedBy(1000);
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } else {
            try {
                duration = Duration.parse(trimmed);
            } catch (DateTimeParseException notIso) {
                throw invalid(setting, text);
            }
        }
        return validated(setting, of(duration), text);
    }

    private static HedgeDelay validated(String setting, HedgeDelay delay, Object shown) {
        if (delay.isPercentile() ? !(delay.percentile > 0 && delay.percentile < 100)
                : delay.duration.isNegative() || delay.duration.isZero()) {
            throw invalid(setting, shown);
        }
        return delay;
    }

    /** Checks a delay built in code, as {@link #parse} checks text. */
    static HedgeDelay validate(String setting, HedgeDelay delay) {
        if (delay == null) {
            throw invalid(setting, null);
        }
        return validated(setting, delay, delay);
    }

    private static InvalidConfigException invalid(String setting, Object value) {
        return new InvalidConfigException(setting, value,
                "a duration greater than 0 (e.g. 100ms, 2s) or a percentile of recent latency between p0 and "
                        + "p100, both excluded (e.g. p95, p99.9)");
    }

    /** Whether the delay follows measured latency. */
    public boolean isPercentile() {
        return duration == null;
    }

    /** The percentile, for a percentile delay; {@code NaN} otherwise. */
    public double percentile() {
        return percentile;
    }

    /** The fixed delay, or {@code null} for a percentile delay. */
    public Duration duration() {
        return duration;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HedgeDelay that && Objects.equals(duration, that.duration)
                && Double.compare(percentile, that.percentile) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(duration, percentile);
    }

    /** {@code p95} for a percentile (as parsed), or the duration in ISO-8601. */
    @Override
    public String toString() {
        if (isPercentile()) {
            return percentile == Math.rint(percentile) ? "p" + (long) percentile : "p" + percentile;
        }
        return duration.toString();
    }
}

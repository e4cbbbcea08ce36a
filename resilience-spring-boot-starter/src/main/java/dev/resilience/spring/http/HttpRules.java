package dev.resilience.spring.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.http.HttpHeaders;

import dev.resilience.core.spi.Clock;
import dev.resilience.spring.autoconfigure.HttpClientsProperties;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;

/**
 * What HTTP means to one client's policies: which statuses are failures, which requests may be retried, and
 * how long a {@code Retry-After} asks to wait. Read once from {@code resilience.http.clients.<name>}.
 */
final class HttpRules {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final BitSet failureStatuses;
    private final Set<String> idempotentMethods;
    private final boolean retryNonIdempotent;
    private final boolean honorRetryAfter;

    private HttpRules(BitSet failureStatuses, Set<String> idempotentMethods, boolean retryNonIdempotent,
            boolean honorRetryAfter) {
        this.failureStatuses = failureStatuses;
        this.idempotentMethods = idempotentMethods;
        this.retryNonIdempotent = retryNonIdempotent;
        this.honorRetryAfter = honorRetryAfter;
    }

    /** @throws InvalidResilienceConfigException naming the property at fault and what it expects */
    static HttpRules of(String prefix, HttpClientsProperties.Client client) {
        return new HttpRules(statuses(prefix + ".failure-statuses", client.getFailureStatuses()),
                methods(prefix + ".idempotent-methods", client.getIdempotentMethods()),
                client.isRetryNonIdempotent(), client.isHonorRetryAfter());
    }

    boolean isFailure(int status) {
        return status >= 0 && failureStatuses.get(status);
    }

    /**
     * Whether a request may be sent again: an idempotent method, or allowed, or an Idempotency-Key. The header is
     * looked up last, only for a request the method alone does not allow (a lookup lower-cases its name).
     */
    boolean mayRetry(String method, HttpHeaders headers) {
        return retryNonIdempotent || idempotentMethods.contains(method) || headers.containsHeader(IDEMPOTENCY_KEY);
    }

    /**
     * The wait a 429 or 503 asks for in its {@code Retry-After} value: delta-seconds, or an HTTP-date read
     * against {@code clock}; {@code null} when there is none, it cannot be read, or this client ignores it.
     */
    Duration retryAfter(int status, String value, Clock clock) {
        if (!honorRetryAfter || (status != 429 && status != 503) || value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        try {
            long seconds = Long.parseLong(trimmed);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.ofEpochMilli(clock.currentTimeMillis()), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static BitSet statuses(String property, List<String> entries) {
        BitSet statuses = new BitSet(600);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i) == null ? "" : entries.get(i).trim();
            String indexed = property + "[" + i + "]";
            int dash = entry.indexOf('-');
            int from = status(indexed, entry, dash < 0 ? entry : entry.substring(0, dash));
            int to = dash < 0 ? from : status(indexed, entry, entry.substring(dash + 1));
            if (to < from) {
                throw new InvalidResilienceConfigException(indexed, "must be a status code or a range low-high, "
                        + "but was '" + entry + "' (the range is empty)");
            }
            statuses.set(from, to + 1);
        }
        return statuses;
    }

    private static int status(String property, String entry, String text) {
        try {
            int status = Integer.parseInt(text.trim());
            if (status >= 100 && status <= 599) {
                return status;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new InvalidResilienceConfigException(property, "must be a status code from 100 to 599 or a range "
                + "like 502-504, but was '" + entry + "'");
    }

    private static Set<String> methods(String property, List<String> entries) {
        Set<String> methods = new TreeSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String method = entries.get(i) == null ? "" : entries.get(i).trim();
            if (!method.matches("[A-Za-z]+")) {
                throw new InvalidResilienceConfigException(property + "[" + i + "]",
                        "must be an HTTP method name such as GET, but was '" + method + "'");
            }
            methods.add(method.toUpperCase(Locale.ROOT));
        }
        return Set.copyOf(methods);
    }
}

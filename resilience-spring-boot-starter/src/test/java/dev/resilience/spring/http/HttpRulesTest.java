package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import dev.resilience.spring.autoconfigure.HttpClientsProperties;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;
import dev.resilience.test.ManualClock;

/** The HTTP rules of a client: failure statuses, idempotency, Retry-After. */
class HttpRulesTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-28T12:00:00Z"));

    private static HttpRules defaults() {
        return HttpRules.of("resilience.http.clients.x", new HttpClientsProperties.Client());
    }

    @Test
    void byDefaultServerErrorsButNotImplementedAndVersionAndTimeoutAndTooManyRequestsAreFailures() {
        HttpRules rules = defaults();

        assertThat(List.of(408, 429, 500, 502, 503, 504, 506, 599)).allMatch(rules::isFailure);
        assertThat(List.of(200, 204, 301, 400, 401, 403, 404, 409, 422, 501, 505)).noneMatch(rules::isFailure);
    }

    @Test
    void byDefaultOnlyIdempotentMethodsAreRetriedUnlessTheRequestHasAnIdempotencyKey() {
        HttpRules rules = defaults();

        assertThat(List.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"))
                .allMatch(method -> rules.mayRetry(method, HttpHeaders.EMPTY));
        assertThat(rules.mayRetry("POST", HttpHeaders.EMPTY)).isFalse();
        assertThat(rules.mayRetry("PATCH", HttpHeaders.EMPTY)).isFalse();
        assertThat(rules.mayRetry("POST", withIdempotencyKey())).isTrue();
        HttpHeaders lowerCase = new HttpHeaders();
        lowerCase.set("idempotency-key", "k1");
        assertThat(rules.mayRetry("PATCH", lowerCase)).as("header names are case-insensitive").isTrue();
    }

    private static HttpHeaders withIdempotencyKey() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("Idempotency-Key", "k1");
        return headers;
    }

    @Test
    void retryNonIdempotentRetriesEveryMethod() {
        HttpClientsProperties.Client client = new HttpClientsProperties.Client();
        client.setRetryNonIdempotent(true);

        assertThat(HttpRules.of("p", client).mayRetry("POST", HttpHeaders.EMPTY)).isTrue();
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDateOn429And503Only() {
        HttpRules rules = defaults();

        assertThat(rules.retryAfter(503, "7", clock)).isEqualTo(Duration.ofSeconds(7));
        assertThat(rules.retryAfter(429, "Sat, 28 Nov 2026 12:00:30 GMT", clock)).isEqualTo(Duration.ofSeconds(30));
        assertThat(rules.retryAfter(503, "Sat, 28 Nov 2026 11:00:00 GMT", clock)).as("a date in the past")
                .isEqualTo(Duration.ZERO);
        assertThat(rules.retryAfter(500, "7", clock)).as("only 429 and 503 carry it").isNull();
        assertThat(rules.retryAfter(503, "soon", clock)).as("unreadable").isNull();
        assertThat(rules.retryAfter(503, "-3", clock)).isNull();
        assertThat(rules.retryAfter(503, null, clock)).isNull();
    }

    @Test
    void retryAfterCanBeIgnored() {
        HttpClientsProperties.Client client = new HttpClientsProperties.Client();
        client.setHonorRetryAfter(false);

        assertThat(HttpRules.of("p", client).retryAfter(503, "7", clock)).isNull();
    }

    @Test
    void failureStatusesTakeCodesAndRanges() {
        HttpClientsProperties.Client client = new HttpClientsProperties.Client();
        client.setFailureStatuses(List.of("404", "500-502"));
        HttpRules rules = HttpRules.of("p", client);

        assertThat(List.of(404, 500, 501, 502)).allMatch(rules::isFailure);
        assertThat(List.of(503, 429)).noneMatch(rules::isFailure);
    }

    @Test
    void anInvalidStatusOrRangeStopsStartUpNamingTheEntry() {
        HttpClientsProperties.Client client = new HttpClientsProperties.Client();
        client.setFailureStatuses(List.of("500", "5xx"));
        assertThatThrownBy(() -> HttpRules.of("resilience.http.clients.x", client))
                .isInstanceOf(InvalidResilienceConfigException.class)
                .hasMessage("resilience.http.clients.x.failure-statuses[1] must be a status code from 100 to 599 or "
                        + "a range like 502-504, but was '5xx'");

        client.setFailureStatuses(List.of("504-502"));
        assertThatThrownBy(() -> HttpRules.of("resilience.http.clients.x", client))
                .hasMessage("resilience.http.clients.x.failure-statuses[0] must be a status code or a range "
                        + "low-high, but was '504-502' (the range is empty)");

        client.setFailureStatuses(List.of("700"));
        assertThatThrownBy(() -> HttpRules.of("resilience.http.clients.x", client))
                .hasMessageContaining("failure-statuses[0] must be a status code from 100 to 599");
    }

    @Test
    void anInvalidMethodStopsStartUpNamingTheEntry() {
        HttpClientsProperties.Client client = new HttpClientsProperties.Client();
        client.setIdempotentMethods(List.of("GET", "GET /x"));

        assertThatThrownBy(() -> HttpRules.of("resilience.http.clients.x", client))
                .isInstanceOf(InvalidResilienceConfigException.class)
                .hasMessage("resilience.http.clients.x.idempotent-methods[1] must be an HTTP method name such as "
                        + "GET, but was 'GET /x'");
    }
}

package dev.resilience.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.timeout.TimeoutExceededException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * What the test controllers throw, and a plain JDK HTTP client that calls them on the real server. Both the MVC
 * and the WebFlux test assert the same responses.
 */
final class Endpoints {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Endpoints() {
    }

    static RateLimitExceededException rateLimited() {
        return new RateLimitExceededException("api", Duration.ofMillis(1500));
    }

    static CircuitBreakerOpenException circuitOpen() {
        return new CircuitBreakerOpenException("backend", CircuitBreaker.State.OPEN, Duration.ofMillis(29_001), false);
    }

    static CircuitBreakerOpenException circuitHalfOpen() {
        return new CircuitBreakerOpenException("backend", CircuitBreaker.State.HALF_OPEN, Duration.ZERO, false);
    }

    static CircuitBreakerOpenException circuitForcedOpen() {
        return new CircuitBreakerOpenException("backend", CircuitBreaker.State.FORCED_OPEN, Duration.ZERO, false);
    }

    static BulkheadFullException bulkheadFull() {
        return new BulkheadFullException("pool", 10, Duration.ZERO, false);
    }

    static TimeoutExceededException timedOut() {
        return new TimeoutExceededException("slow", Duration.ofSeconds(2), null, false);
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return get(port, path, "*/*");
    }

    static HttpResponse<String> get(int port, String path, String accept) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", accept)
                .GET()
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    static String contentType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The problem response every test expects for each of the four exceptions. */
    static void assertProblems(int port, String prefix) throws Exception {
        HttpResponse<String> response = get(port, prefix + "/rate-limited");
        assertProblem(response, 429, "https://resilience.dev/problems/rate-limited", "Rate limit exceeded",
                rateLimited().getMessage(), prefix + "/rate-limited", "api");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("2"); // 1.5s rounded up
        assertThat(json(response).get("retryAfterSeconds").asLong()).isEqualTo(2);

        response = get(port, prefix + "/circuit-open");
        assertProblem(response, 503, "https://resilience.dev/problems/circuit-breaker-open", "Circuit breaker open",
                circuitOpen().getMessage(), prefix + "/circuit-open", "backend");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30"); // 29.001s rounded up
        assertThat(json(response).get("retryAfterSeconds").asLong()).isEqualTo(30);
        assertThat(json(response).get("state").asString()).isEqualTo("OPEN");

        response = get(port, prefix + "/circuit-half-open");
        assertProblem(response, 503, "https://resilience.dev/problems/circuit-breaker-open", "Circuit breaker open",
                circuitHalfOpen().getMessage(), prefix + "/circuit-half-open", "backend");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("state").asString()).isEqualTo("HALF_OPEN");

        response = get(port, prefix + "/circuit-forced-open");
        assertProblem(response, 503, "https://resilience.dev/problems/circuit-breaker-open", "Circuit breaker open",
                circuitForcedOpen().getMessage(), prefix + "/circuit-forced-open", "backend");
        assertThat(response.headers().firstValue("Retry-After")).as("no end to promise").isEmpty();
        assertThat(json(response).has("retryAfterSeconds")).isFalse();
        assertThat(json(response).get("state").asString()).isEqualTo("FORCED_OPEN");

        response = get(port, prefix + "/bulkhead-full");
        assertProblem(response, 503, "https://resilience.dev/problems/bulkhead-full", "Bulkhead full",
                bulkheadFull().getMessage(), prefix + "/bulkhead-full", "pool");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(json(response).has("retryAfterSeconds")).isFalse();

        response = get(port, prefix + "/timeout");
        assertProblem(response, 504, "https://resilience.dev/problems/timeout-exceeded", "Timeout exceeded",
                timedOut().getMessage(), prefix + "/timeout", "slow");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(json(response).has("retryAfterSeconds")).isFalse();
    }

    static void assertProblem(HttpResponse<String> response, int status, String type, String title, String detail,
            String instance, String name) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(contentType(response)).startsWith("application/problem+json");
        JsonNode body = json(response);
        assertThat(body.get("type").asString()).isEqualTo(type);
        assertThat(body.get("title").asString()).isEqualTo(title);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asString()).isEqualTo(detail);
        assertThat(body.get("instance").asString()).isEqualTo(instance);
        assertThat(body.get("name").asString()).isEqualTo(name);
    }

    /** Boot's own error response for an exception nobody handled: 500, plain JSON, no problem fields. */
    static void assertBootError(HttpResponse<String> response, String path) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
        assertThat(contentType(response)).startsWith("application/json");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        JsonNode body = json(response);
        assertThat(body.get("status").asInt()).isEqualTo(500);
        assertThat(body.get("error").asString()).isEqualTo("Internal Server Error");
        assertThat(body.get("path").asString()).isEqualTo(path);
        assertThat(body.has("type")).isFalse();
        assertThat(body.has("name")).isFalse();
    }
}

package dev.resilience.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import dev.resilience.core.ratelimiter.RateLimitExceededException;

/** The mapping itself, and the key's IDE metadata. */
class ResilienceProblemsTest {

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofSeconds(3))).isEqualTo(3);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofMillis(3001))).isEqualTo(4);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofMillis(200))).isEqualTo(1);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ZERO)).isEqualTo(1);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofSeconds(-5))).isEqualTo(1);
        assertThat(ResilienceProblems.retryAfterSeconds(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)))
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRateLimitOfAFractionOfASecondStillAsksForOneSecond() {
        ResponseEntity<ProblemDetail> response = ResilienceProblems.response(
                new RateLimitExceededException("api", Duration.ofMillis(10)), URI.create("/orders"));

        assertThat(response.getStatusCode().value()).isEqualTo(429);
        assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(response.getBody().getProperties()).containsEntry("retryAfterSeconds", 1L)
                .containsEntry("name", "api");
        assertThat(response.getBody().getInstance()).isEqualTo(URI.create("/orders"));
    }

    @Test
    void findsTheExceptionAmongTheCausesAndNothingElse() {
        ResponseEntity<ProblemDetail> response = ResilienceProblems.response(
                new ExecutionException(new IllegalStateException(Endpoints.bulkheadFull())), null);
        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getBody().getType()).isEqualTo(URI.create(ResilienceProblems.BULKHEAD_FULL_TYPE));
        assertThat(response.getBody().getInstance()).isNull();

        assertThat(ResilienceProblems.response(new IllegalStateException("boom"), null)).isNull();
        assertThat(ResilienceProblems.response(null, null)).isNull();
    }

    @Test
    void theSwitchIsInTheIdeMetadataWithItsDefault() throws Exception {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int at = metadata.indexOf("\"name\": \"resilience.web.problem-details.enabled\"");
        assertThat(at).as("resilience.web.problem-details.enabled in the metadata").isPositive();
        int end = metadata.indexOf('}', at);
        assertThat(metadata.substring(at, end))
                .contains("\"type\": \"java.lang.Boolean\"")
                .contains("\"defaultValue\": true")
                .contains("\"description\": \"Whether a rate limiter, circuit breaker, bulkhead or timeout exception");
    }
}

package dev.resilience.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.resilience.test.spring.ResilienceTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** {@code GET /adaptive} over real HTTP: B's answer through the adaptive bulkhead, shown by the actuator. */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResilienceTest
class AdaptiveBulkheadSampleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void answersThroughTheAdaptiveBulkheadAndTheActuatorShowsItsLimit() throws Exception {
        assertThat(get("/adaptive").get("b").asString()).isEqualTo("hello from service B");

        JsonNode bulkhead = get("/actuator/bulkheads").get("bulkheads").get("serviceBAdaptive");
        assertThat(bulkhead.get("type").asString()).isEqualTo("adaptive");
        assertThat(bulkhead.get("limit").asInt()).isEqualTo(10);
        assertThat(bulkhead.get("maxConcurrentCalls").asInt()).isEqualTo(50);
        assertThat(bulkhead.get("activeCalls").asInt()).isZero();
        JsonNode gauge = get("/actuator/metrics/resilience.bulkhead.limit?tag=name:serviceBAdaptive");
        assertThat(gauge.get("measurements").get(0).get("value").asDouble()).isEqualTo(10.0);
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}

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

/** {@code GET /hedged} over real HTTP: B's answer through the hedged client, and the hedge in its endpoint. */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResilienceTest
class HedgedClientEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aQuickAnswerIsNotHedgedAndTheHedgeShowsItsDelay() throws Exception {
        JsonNode answer = get("/hedged");
        assertThat(answer.get("b").asString()).isEqualTo("hello from service B");

        JsonNode hedge = get("/actuator/hedges").get("hedges").get("serviceBHedged");
        assertThat(hedge.get("delay").asString()).isEqualTo("p95");
        assertThat(hedge.get("currentDelayMillis").asDouble()).as("delay-fallback until 50 calls are measured")
                .isEqualTo(300.0);
        assertThat(hedge.get("calls").asLong()).isEqualTo(1);
        assertThat(hedge.get("hedgedCalls").asLong()).isZero();
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}

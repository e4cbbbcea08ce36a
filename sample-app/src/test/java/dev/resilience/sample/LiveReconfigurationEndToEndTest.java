package dev.resilience.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The README's "change settings while it runs", over real HTTP: the sample imports a tuning file, the file
 * changes, {@code POST /actuator/refresh} applies the changed {@code resilience.*} keys in place. Service B's
 * breaker keeps the failures it recorded and opens at once under a lower minimum number of calls; the bulkhead
 * takes its new limit; an invalid value changes nothing and shows on the breaker's detail.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "spring.config.import=optional:file:./target/live-reconfiguration-e2e/sample-tuning.yml",
                // The refresh rebuilds the environment from config data; keep this test's own properties in it.
                "spring.cloud.refresh.additional-property-sources-to-retain=Inlined Test Properties" })
class LiveReconfigurationEndToEndTest {

    private static final Path TUNING = Path.of("target", "live-reconfiguration-e2e", "sample-tuning.yml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void noTuningYet() throws IOException {
        Files.deleteIfExists(TUNING);
    }

    @AfterEach
    void serviceBHealthyAgain() throws Exception {
        send("/b/chaos", "{}");
    }

    @AfterAll
    static void removeTuning() throws IOException {
        Files.deleteIfExists(TUNING);
    }

    @Test
    void refreshAppliesChangedSettingsInPlaceAndRejectsAnInvalidOneWhole() throws Exception {
        send("/b/chaos", "{\"failureRate\": 1.0, \"status\": 500}");
        for (int i = 0; i < 10 && breaker().get("bufferedCalls").asInt() < 4; i++) {
            http.send(HttpRequest.newBuilder(uri("/")).GET().build(), HttpResponse.BodyHandlers.discarding());
        }
        assertThat(breaker().get("bufferedCalls").asInt()).isEqualTo(4);
        assertThat(breaker().get("state").asString()).as("4 failures, minimum 5").isEqualTo("CLOSED");

        tune("""
                resilience:
                  circuitbreaker:
                    instances:
                      serviceB:
                        minimum-number-of-calls: 4
                  bulkhead:
                    instances:
                      serviceB:
                        max-concurrent-calls: 8
                """);
        String refreshed = send("/actuator/refresh", "");

        assertThat(refreshed).contains("resilience.circuitbreaker.instances.serviceB.minimum-number-of-calls")
                .contains("resilience.bulkhead.instances.serviceB.max-concurrent-calls");
        JsonNode breaker = breaker();
        assertThat(breaker.get("state").asString()).as("the 4 failures kept, judged under the new minimum")
                .isEqualTo("OPEN");
        assertThat(breaker.get("bufferedCalls").asInt()).isEqualTo(4);
        assertThat(breaker.get("config").get("minimumNumberOfCalls").asInt()).isEqualTo(4);
        assertThat(breaker.get("lastConfigChange").get("status").asString()).isEqualTo("APPLIED");
        JsonNode bulkhead = get("/actuator/bulkheads/serviceB");
        assertThat(bulkhead.get("limit").asInt()).isEqualTo(8);
        assertThat(bulkhead.get("availablePermits").asInt()).isEqualTo(8);

        tune("""
                resilience:
                  circuitbreaker:
                    instances:
                      serviceB:
                        minimum-number-of-calls: 4
                        failure-rate-threshold: 150
                  bulkhead:
                    instances:
                      serviceB:
                        max-concurrent-calls: 3
                """);
        send("/actuator/refresh", "");

        breaker = breaker();
        assertThat(breaker.get("config").get("failureRateThreshold").asDouble()).isEqualTo(50.0);
        assertThat(breaker.get("lastConfigChange").get("status").asString()).isEqualTo("REJECTED");
        assertThat(breaker.get("lastConfigChange").get("property").asString())
                .isEqualTo("resilience.circuitbreaker.instances.serviceB.failure-rate-threshold");
        assertThat(get("/actuator/bulkheads/serviceB").get("limit").asInt()).as("nothing half applied")
                .isEqualTo(8);
    }

    private static void tune(String yml) throws IOException {
        Files.createDirectories(TUNING.getParent());
        Files.writeString(TUNING, yml);
    }

    private JsonNode breaker() throws Exception {
        return get("/actuator/circuitbreakers/serviceB");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private String send(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}

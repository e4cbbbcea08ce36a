package dev.resilience.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.chaos.ChaosRegistry;

/**
 * {@code /actuator/chaos} as an application has it unless it allows more: read-only, so the POST that would
 * switch fault injection on is not mapped, and Spring MVC refuses it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=*",
        "resilience.chaos.enabled=true",
        "resilience.chaos.instances.backend.fault-rate=1",
        "resilience.chaos.instances.backend.enabled=false" })
class ChaosEndpointReadOnlyTest {

    @LocalServerPort
    int port;

    @Autowired
    ChaosRegistry chaos;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readsAreAllowed() throws Exception {
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/chaos")).GET()).statusCode()).isEqualTo(200);
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/chaos/backend")).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void theWriteIsRefusedByDefault() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/actuator/chaos/backend"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"enabled\": true}")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(405);
        assertThat(chaos.instance("backend").config().enabled()).as("still off").isFalse();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {
    }
}

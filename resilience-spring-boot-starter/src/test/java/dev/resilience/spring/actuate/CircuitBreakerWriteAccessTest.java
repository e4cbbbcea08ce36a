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

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;

/**
 * Forcing a breaker through the actuator is a write: read-only by default, so that reaching an exposed actuator
 * is not enough to force breakers open. Writes are turned on with
 * {@code management.endpoint.circuitbreakers.access=unrestricted} (ActuatorEndpointsTest does).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=*" })
class CircuitBreakerWriteAccessTest {

    @LocalServerPort
    int port;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    void byDefaultTheBreakersCanBeReadButNotForced() throws Exception {
        breakers.instance("backend");
        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://localhost:" + port + "/actuator/circuitbreakers/backend");

        HttpResponse<String> read = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> write = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"state\":\"FORCED_OPEN\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(write.statusCode()).as("no write operation is mapped").isEqualTo(405);
        assertThat(breakers.instance("backend").state()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {
    }
}

package dev.resilience.spring.reconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;

/**
 * A real Spring Cloud refresh: the application imports a yml file, the file changes, {@code POST /actuator/refresh}
 * reloads it and Spring Cloud publishes the changed keys; the breaker keeps its state and recorded calls and uses
 * the new threshold. An invalid value in the file changes nothing and shows on the breaker's actuator detail and in
 * its events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.import=optional:file:./target/refresh-endpoint-reconfiguration-test/resilience.yml",
        // The refresh rebuilds the environment from config data; keep this test's own properties in it.
        "spring.cloud.refresh.additional-property-sources-to-retain=Inlined Test Properties",
        "management.endpoints.web.exposure.include=refresh,circuitbreakers,resilienceevents" })
class RefreshEndpointReconfigurationTest {

    private static final Path CONFIG = Path.of("target", "refresh-endpoint-reconfiguration-test", "resilience.yml");

    static {
        write(50, "10s"); // before the context reads it
    }

    @LocalServerPort
    int port;

    @Autowired
    CircuitBreakerRegistry breakers;

    private final HttpClient http = HttpClient.newHttpClient();

    private static void write(int failureRateThreshold, String wait) {
        try {
            Files.createDirectories(CONFIG.getParent());
            Files.writeString(CONFIG, """
                    resilience:
                      circuitbreaker:
                        instances:
                          inventory:
                            sliding-window-size: 10
                            minimum-number-of-calls: 10
                            failure-rate-threshold: %d
                            wait-duration-in-open-state: %s
                    """.formatted(failureRateThreshold, wait));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeFile() throws IOException {
        Files.deleteIfExists(CONFIG);
    }

    @Test
    void refreshKeepsTheStateAndUsesTheNewThresholdAndRejectsAnInvalidOneWhole() throws Exception {
        CircuitBreaker breaker = breakers.instance("inventory");
        assertThat(breaker.config().failureRateThreshold()).isEqualTo(50);
        for (int i = 0; i < 3; i++) {
            breaker.acquirePermit().onError(0, new IOException("down"));
        }
        for (int i = 0; i < 5; i++) {
            breaker.acquirePermit().onSuccess(0);
        }

        write(20, "10s");
        HttpResponse<String> refresh = post("/actuator/refresh");

        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        assertThat(refresh.body()).contains("resilience.circuitbreaker.instances.inventory.failure-rate-threshold");
        assertThat(breakers.instance("inventory")).isSameAs(breaker);
        assertThat(breaker.config().failureRateThreshold()).isEqualTo(20);
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(breaker.snapshot().bufferedCalls()).as("the window's calls are kept").isEqualTo(8);
        breaker.acquirePermit().onSuccess(0);
        breaker.acquirePermit().onSuccess(0); // 3 of 10 failed: 30 % >= 20 %
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        String detail = get("/actuator/circuitbreakers/inventory").body();
        assertThat(detail).contains("\"failureRateThreshold\":20.0").contains("\"lastConfigChange\":{")
                .contains("\"status\":\"APPLIED\"");

        write(150, "1m");
        refresh = post("/actuator/refresh");

        assertThat(refresh.statusCode()).as(refresh.body()).isEqualTo(200);
        assertThat(breaker.config().failureRateThreshold()).isEqualTo(20);
        assertThat(breaker.config().waitDurationInOpenState()).as("nothing half applied")
                .isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
        detail = get("/actuator/circuitbreakers/inventory").body();
        assertThat(detail).contains("\"status\":\"REJECTED\"")
                .contains("\"property\":\"resilience.circuitbreaker.instances.inventory.failure-rate-threshold\"");
        assertThat(get("/actuator/resilienceevents?policy=circuitbreaker&name=inventory").body())
                .contains("CIRCUIT_BREAKER_CONFIG_CHANGE_REJECTED").contains("CIRCUIT_BREAKER_CONFIG_CHANGED");
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {
    }
}

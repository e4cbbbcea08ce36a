package dev.resilience.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.chaos.InjectedFaultException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.test.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code /actuator/chaos} with writes allowed ({@code management.endpoint.chaos.access=unrestricted}), against
 * a real server: the instances' settings and counts, run-time changes, and injected faults told apart in the
 * events endpoint, the metrics and the log.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=*",
        "management.endpoint.chaos.access=unrestricted",
        "logging.level.dev.resilience=debug",
        "resilience.chaos.enabled=true",
        "resilience.chaos.instances.backend.fault-rate=1",
        "resilience.chaos.instances.backend.enabled=false",
        "resilience.retry.instances.backend.max-attempts=2",
        "resilience.retry.instances.backend.wait-duration=0ms" })
class ChaosEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Backend backend;

    @Autowired
    ChaosRegistry chaos;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();
    private ChaosConfig configured;

    @BeforeEach
    void remember() {
        configured = chaos.instance("backend").config();
    }

    @AfterEach
    void restore() {
        chaos.instance("backend").configure(configured);
        breakers.all().forEach(breaker -> breaker.reset());
    }

    @Test
    void listsEveryInstanceWithExactFields() throws Exception {
        JsonNode body = get("/actuator/chaos", 200);
        assertThat(body.propertyNames()).containsExactly("enabled", "instances");
        assertThat(body.get("enabled").asBoolean()).isTrue();
        assertThat(body.get("instances").propertyNames()).containsExactly("backend");
        JsonNode backendChaos = body.get("instances").get("backend");
        assertThat(backendChaos.propertyNames()).containsExactly("enabled", "faultRate", "exception", "latency",
                "latencyRate", "status", "injectedFaults", "injectedLatencies");
        assertThat(backendChaos.get("enabled").asBoolean()).isFalse();
        assertThat(backendChaos.get("faultRate").asDouble()).isEqualTo(1.0);
        assertThat(backendChaos.get("exception").asString()).isEqualTo(InjectedFaultException.class.getName());
        assertThat(backendChaos.get("latency").asString()).isEqualTo("PT0S");
        assertThat(backendChaos.get("status").asInt()).isZero();

        assertThat(get("/actuator/chaos/backend", 200)).isEqualTo(backendChaos);
        assertThat(get("/actuator/chaos/nope", 404).get("error").asString())
                .isEqualTo("no chaos instance named 'nope'");
    }

    @Test
    void postChangesTheGivenSettingsAtRunTimeAndKeepsTheOthers() throws Exception {
        assertThat(backend.call()).as("configured off").isEqualTo("ok");

        JsonNode changed = post("/actuator/chaos/backend", "{\"enabled\": true, \"faultRate\": 0.5}", 200);
        assertThat(changed.get("enabled").asBoolean()).isTrue();
        assertThat(changed.get("faultRate").asDouble()).isEqualTo(0.5);
        assertThat(changed.get("exception").asString()).isEqualTo(InjectedFaultException.class.getName());
        ChaosConfig now = chaos.instance("backend").config();
        assertThat(now.enabled()).isTrue();
        assertThat(now.faultRate()).isEqualTo(0.5);

        JsonNode more = post("/actuator/chaos/backend", "{\"latency\": \"250ms\", \"latencyRate\": 1, "
                + "\"exception\": \"java.io.IOException\", \"status\": 503}", 200);
        assertThat(more.get("latency").asString()).isEqualTo("PT0.25S");
        assertThat(more.get("latencyRate").asDouble()).isEqualTo(1.0);
        assertThat(more.get("exception").asString()).isEqualTo("java.io.IOException");
        assertThat(more.get("status").asInt()).isEqualTo(503);
        assertThat(more.get("faultRate").asDouble()).as("kept").isEqualTo(0.5);

        post("/actuator/chaos/backend", "{\"enabled\": false}", 200);
        assertThat(chaos.instance("backend").config().enabled()).isFalse();
        assertThat(chaos.instance("backend").config().latency().toMillis()).isEqualTo(250);
    }

    @Test
    void invalidValuesAnswer400NamingTheFieldAndChangeNothing() throws Exception {
        badRequest("{\"enabled\": true, \"faultRate\": 1.5}", "faultRate",
                "faultRate must be a share from 0 to 1, but was 1.5");
        badRequest("{\"faultRate\": \"often\"}", "faultRate", "faultRate must be a share from 0 to 1, but was 'often'");
        badRequest("{\"latencyRate\": -0.5}", "latencyRate", "latencyRate must be a share from 0 to 1, but was -0.5");
        badRequest("{\"latency\": \"soon\"}", "latency",
                "latency must be a duration such as 200ms, 2s or PT0.2S, but was 'soon'");
        badRequest("{\"latency\": \"-1s\"}", "latency", "latency must not be negative, but was PT-1S");
        badRequest("{\"exception\": \"com.example.Nope\"}", "exception",
                "exception must be the fully qualified name of an exception type, but was 'com.example.Nope'");
        badRequest("{\"exception\": \"java.lang.String\"}", "exception",
                "exception must be the fully qualified name of an exception type, but was 'java.lang.String'");
        badRequest("{\"exception\": \"java.io.UncheckedIOException\"}", "exception",
                "exception must be an exception class with a public constructor taking a String, or none, "
                        + "but was 'java.io.UncheckedIOException'");
        badRequest("{\"status\": 700}", "status", "status must be an HTTP status from 100 to 599, or 0 for none, "
                + "but was 700");
        badRequest("{\"enabled\": \"maybe\"}", "enabled", "enabled must be true or false, but was 'maybe'");
        JsonNode empty = post("/actuator/chaos/backend", "{\"fault-rate\": 0.5}", 400);
        assertThat(empty.get("error").asString()).isEqualTo(
                "no settings given; expected any of enabled, faultRate, exception, latency, latencyRate, status");

        assertThat(chaos.instance("backend").config()).as("nothing changed").isSameAs(configured);
        post("/actuator/chaos/nope", "{\"enabled\": true}", 404);
    }

    private void badRequest(String body, String field, String message) throws Exception {
        JsonNode answer = post("/actuator/chaos/backend", body, 400);
        assertThat(answer.get("field").asString()).as(body).isEqualTo(field);
        assertThat(answer.get("error").asString()).as(body).isEqualTo(message);
    }

    @Test
    void injectedFaultsAreMarkedInTheEventsEndpointAndCountedApartInTheMetrics() throws Exception {
        Chaos instance = chaos.instance("backend");
        long faultsBefore = instance.injectedFaults();
        post("/actuator/chaos/backend", "{\"enabled\": true}", 200);
        assertThatThrownBy(backend::call).isInstanceOf(InjectedFaultException.class);
        assertThatThrownBy(backend::realFailure).isInstanceOf(IOException.class);

        JsonNode events = get("/actuator/resilienceevents?name=backend", 200).get("events");
        List<String> types = new ArrayList<>();
        for (JsonNode event : events) {
            types.add(event.get("policy").asString() + " " + event.get("type").asString());
            boolean injected = event.has("injected") && event.get("injected").asBoolean();
            if (event.get("type").asString().equals("CHAOS_CHANGED")) {
                assertThat(event.has("injected")).as("a change injects nothing").isFalse();
            } else {
                assertThat(injected).as(event.toString()).isTrue();
            }
        }
        assertThat(types).contains("chaos CHAOS_CHANGED", "chaos CHAOS_FAULT_INJECTED", "retry RETRY_SCHEDULED",
                "retry RETRY_EXHAUSTED", "circuitbreaker ERROR");

        JsonNode real = get("/actuator/resilienceevents?name=real&policy=circuitbreaker", 200).get("events");
        assertThat(real.get(0).get("type").asString()).isEqualTo("ERROR");
        assertThat(real.get(0).has("injected")).as("a real failure").isFalse();

        assertThat(instance.injectedFaults()).as("two attempts, both injected").isEqualTo(faultsBefore + 2);
        assertThat(meters.get("resilience.chaos.injected").tags("name", "backend", "kind", "fault").functionCounter()
                .count()).isEqualTo(instance.injectedFaults());
        assertThat(meters.get("resilience.chaos.injected").tags("name", "backend", "kind", "latency")
                .functionCounter().count()).isZero();
        assertThat(get("/actuator/chaos/backend", 200).get("injectedFaults").asLong())
                .isEqualTo(instance.injectedFaults());
        assertThat(meters.get("resilience.circuitbreaker.calls").tags("name", "backend", "kind", "failed")
                .functionCounter().count()).as("the breaker counts them as failures").isEqualTo(2.0);
    }

    @Test
    void theLogSaysWhichFailuresWereInjected(CapturedOutput output) throws Exception {
        post("/actuator/chaos/backend", "{\"enabled\": true}", 200);
        assertThatThrownBy(backend::call).isInstanceOf(InjectedFaultException.class);
        assertThatThrownBy(backend::realFailure).isInstanceOf(IOException.class);

        assertThat(output.getOut()).contains("chaos 'backend' changed: ChaosConfig[enabled=true")
                .contains("chaos 'backend' CHAOS_FAULT_INJECTED (dev.resilience.core.chaos.InjectedFaultException: "
                        + "injected by chaos 'backend') [injected]")
                .contains("retry 'backend' RETRY_EXHAUSTED")
                .containsPattern("retry 'backend' RETRY_SCHEDULED.*\\(dev\\.resilience\\.core\\.chaos\\."
                        + "InjectedFaultException: injected by chaos 'backend'\\) \\[injected]");
        String realLine = output.getOut().lines().filter(line -> line.contains("retry 'real'")).findFirst()
                .orElseThrow();
        assertThat(realLine).contains("backend down").doesNotContain("[injected]");
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + body + " -> " + response.body()).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {

        @Bean
        ManualClock resilienceClock() {
            return new ManualClock();
        }

        @Bean
        ChaosRandom chaosRandom() {
            return ChaosRandom.seeded(42);
        }

        @Bean
        Backend backend() {
            return new Backend();
        }
    }

    static class Backend {

        @Retry(name = "backend")
        @CircuitBreaker(name = "backend")
        public String call() {
            return "ok";
        }

        @Retry(name = "real")
        @CircuitBreaker(name = "real")
        public String realFailure() throws IOException {
            throw new IOException("backend down");
        }
    }
}

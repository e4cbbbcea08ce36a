package dev.resilience.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import dev.resilience.test.ManualClock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The whole story over real HTTP on a random port: B breaks, A's breaker opens and A answers with the
 * fallback, the breaker half-opens after its wait, B heals and the breaker closes; a slow call shows in the
 * bulkhead while it runs and is cut off by the timeout. Time is a {@link ManualClock}: the test advances it.
 */
@SpringBootTest(classes = { SampleApplication.class, SampleApplicationEndToEndTest.TestClock.class },
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ManualClock clock;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void breakerGoesClosedOpenHalfOpenClosedAndSlowCallsShowInTheBulkhead() throws Exception {
        JsonNode healthy = get("/");
        assertThat(healthy.get("a").asString()).isEqualTo("hello from service A");
        assertThat(healthy.get("b").asString()).isEqualTo("hello from service B");
        assertThat(breakerState()).isEqualTo("CLOSED");

        post("/b/chaos", "{\"failureRate\": 1.0, \"status\": 503, \"retryAfterSeconds\": 1}");
        // Each request makes two attempts; at the fifth recorded call (minimum-number-of-calls) 4 of 5 failed.
        assertThat(get("/").get("b").asString()).startsWith("fallback: service B failed (service B answered 503");
        assertThat(get("/").get("b").asString()).startsWith("fallback: service B failed");
        assertThat(get("/").get("b").asString()).startsWith("fallback: service B is unavailable, circuit open");
        assertThat(breakerState()).isEqualTo("OPEN");
        JsonNode open = get("/actuator/circuitbreakers").get("circuitBreakers").get("serviceB");
        assertThat(open.get("failureRate").asDouble()).isEqualTo(80.0); // 1 success, then 4 failures
        assertThat(open.get("remainingOpenMillis").asLong()).isEqualTo(10_000);
        assertThat(get("/").get("b").asString()).contains("circuit open for another 10s");

        clock.advance(Duration.ofSeconds(10));
        assertThat(breakerState()).isEqualTo("HALF_OPEN");

        post("/b/chaos", "{}");
        assertThat(get("/").get("b").asString()).isEqualTo("hello from service B");
        assertThat(get("/").get("b").asString()).isEqualTo("hello from service B");
        assertThat(breakerState()).isEqualTo("CLOSED");

        JsonNode transitions = get("/actuator/circuitbreakers/serviceB").get("transitions");
        assertThat(transitions.findValues("to").stream().map(JsonNode::asString))
                .containsExactly("CLOSED", "HALF_OPEN", "OPEN");

        post("/b/chaos", "{\"latencyMillis\": 2000}");
        CompletableFuture<JsonNode> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> bulkheadCalls().size() == 1);
        JsonNode call = bulkheadCalls().get(0);
        assertThat(call.get("call").asString()).isEqualTo("ServiceBClient.hello");
        assertThat(call.get("thread").asString()).isNotBlank();
        assertThat(call.get("startedAt").asString()).endsWith("Z");

        clock.advance(Duration.ofSeconds(3)); // the timeout's deadline: the call is interrupted and falls back
        assertThat(slow.get().get("b").asString()).isEqualTo("fallback: service B did not answer within 3000ms");
        assertThat(bulkheadCalls().size()).isZero();
        post("/b/chaos", "{}");

        JsonNode events = get("/actuator/resilienceevents?name=serviceB&policy=circuitbreaker").get("events");
        assertThat(events.findValues("detail").stream().map(JsonNode::asString)).contains("CLOSED->OPEN",
                "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        JsonNode timeouts = get("/actuator/timeouts").get("timeouts").get("serviceB");
        assertThat(timeouts.get("timedOutCalls").asLong()).isEqualTo(1);
    }

    @Test
    void asynchronousCallsQueueForTheBulkheadWithoutAThreadAndAllTimeOutOnTime() throws Exception {
        post("/b/chaos", "{\"latencyMillis\": 3000}");
        try {
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return get("/async");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            // Two calls inside the bulkhead's two places, the third queued for one: no thread waits for it.
            await().atMost(Duration.ofSeconds(10)).until(() -> asyncBulkhead().get("waitingCalls").asInt() == 1
                    && asyncBulkhead().get("calls").size() == 2);
            assertThat(asyncBulkhead().get("calls").findValues("call").stream().map(JsonNode::asString))
                    .containsOnly("ServiceBAsyncClient.hello");

            clock.advance(Duration.ofSeconds(1)); // every caller's deadline, the queued one's included

            for (CompletableFuture<JsonNode> call : calls) {
                assertThat(call.get(10, TimeUnit.SECONDS).get("b").asString())
                        .isEqualTo("fallback: service B did not answer within 1000ms");
            }
            // cancel-running-future: the HttpClient exchanges were cancelled and their places freed at once.
            assertThat(asyncBulkhead().get("calls").size()).isZero();
            assertThat(asyncBulkhead().get("waitingCalls").asInt()).isZero();
            JsonNode timeouts = get("/actuator/timeouts").get("timeouts").get("serviceBAsync");
            assertThat(timeouts.get("timedOutCalls").asLong()).isEqualTo(3);
            assertThat(timeouts.get("cancelRunningFuture").asBoolean()).isTrue();
        } finally {
            post("/b/chaos", "{}");
        }
    }

    private JsonNode asyncBulkhead() throws Exception {
        return get("/actuator/bulkheads").get("bulkheads").get("serviceBAsync");
    }

    private String breakerState() throws Exception {
        return get("/actuator/circuitbreakers").get("circuitBreakers").get("serviceB").get("state").asString();
    }

    private JsonNode bulkheadCalls() throws Exception {
        return get("/actuator/bulkheads").get("bulkheads").get("serviceB").get("calls");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void post(String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        ManualClock resilienceClock() {
            return new ManualClock();
        }
    }
}

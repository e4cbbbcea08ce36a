package dev.resilience.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.test.ManualClock;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The endpoints, health and info against a real server on a random port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=*",
        "management.endpoint.circuitbreakers.access=unrestricted",
        "management.endpoint.health.show-details=always",
        "management.info.resilience.enabled=true",
        "resilience.circuitbreaker.instances.backend.sliding-window-size=4",
        "resilience.circuitbreaker.instances.backend.minimum-number-of-calls=4",
        "resilience.circuitbreaker.instances.backend.wait-duration-in-open-state=10s",
        "resilience.circuitbreaker.instances.backend.max-wait-duration-in-half-open-state=5s",
        "resilience.retry.instances.backend.wait-duration=0ms",
        "resilience.bulkhead.instances.slow.max-concurrent-calls=3",
        "resilience.timeout.instances.backend.duration=2s" })
class ActuatorEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Backend backend;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    ManualClock clock;

    @Autowired
    MeterRegistry meters;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    @AfterEach
    void closeBreakers() {
        breakers.all().forEach(breaker -> breaker.reset());
    }

    @Test
    void listsEveryBreakerSortedWithExactFields() throws Exception {
        JsonNode body = get("/actuator/circuitbreakers", 200);
        JsonNode all = body.get("circuitBreakers");
        assertThat(all.propertyNames()).containsExactly("Backend.plain", "backend");
        JsonNode backendBreaker = all.get("backend");
        assertThat(backendBreaker.propertyNames()).containsExactly("state", "failureRate", "slowCallRate",
                "bufferedCalls", "failedCalls", "slowCalls", "notPermittedCalls", "remainingOpenMillis");
        assertThat(backendBreaker.get("state").asString()).isEqualTo("CLOSED");
        assertThat(backendBreaker.get("failureRate").asDouble()).isEqualTo(-1.0);
    }

    @Test
    void breakerOpensAndShowsInEndpointHealthInfoAndEvents() throws Exception {
        // Three attempts, three failures recorded; the next call's first failure opens the breaker and its
        // second attempt is rejected, which retry does not retry.
        assertThatThrownBy(() -> backend.fail()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> backend.fail()).isInstanceOf(CircuitBreakerOpenException.class);

        JsonNode breaker = get("/actuator/circuitbreakers/backend", 200);
        assertThat(breaker.get("state").asString()).isEqualTo("OPEN");
        assertThat(breaker.get("failureRate").asDouble()).isEqualTo(100.0);
        assertThat(breaker.get("bufferedCalls").asInt()).isEqualTo(4);
        assertThat(breaker.get("failedCalls").asInt()).isEqualTo(4);
        assertThat(breaker.get("notPermittedCalls").asLong()).isEqualTo(1);
        assertThat(breaker.get("remainingOpenMillis").asLong()).isEqualTo(10_000);
        assertThat(breaker.get("config").get("slidingWindowSize").asInt()).isEqualTo(4);
        assertThat(breaker.get("config").get("maxWaitDurationInHalfOpenState").asString()).isEqualTo("PT5S");
        assertThat(breaker.get("transitions").get(0).get("from").asString()).isEqualTo("CLOSED");
        assertThat(breaker.get("transitions").get(0).get("to").asString()).isEqualTo("OPEN");

        JsonNode health = get("/actuator/health", -1);
        JsonNode component = health.get("components").get("circuitBreakers");
        assertThat(component.get("status").asString()).isEqualTo("CIRCUIT_OPEN");
        assertThat(component.get("details").get("backend").asString()).isEqualTo("OPEN");

        JsonNode info = get("/actuator/info", 200).get("resilience");
        assertThat(info.get("circuitBreakers").get("backend").asString()).isEqualTo("OPEN");
        assertThat(info.get("version").asString()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(info.get("uptime").asString()).startsWith("PT");
        assertThat(info.get("startedAt").asString()).endsWith("Z");
        assertThat(info.get("retries").asInt()).isEqualTo(1);

        JsonNode events = get("/actuator/resilienceevents?name=backend&policy=circuitbreaker", 200).get("events");
        assertThat(events.get(0).get("type").asString()).isEqualTo("NOT_PERMITTED");
        assertThat(events.findValues("detail").stream().map(JsonNode::asString)).contains("CLOSED->OPEN");
        assertThat(events.findValues("name").stream().map(JsonNode::asString)).containsOnly("backend");

        assertThat(meters.get("resilience.circuitbreaker.state").tags("name", "backend", "state", "OPEN").gauge()
                .value()).isEqualTo(1.0);
        assertThat(meters.get("resilience.circuitbreaker.calls").tags("name", "backend", "kind", "failed")
                .functionCounter().count()).isEqualTo(4.0);
        assertThat(meters.get("resilience.retry.calls").tags("name", "backend", "kind", "failed_with_retry")
                .functionCounter().count()).isEqualTo(2.0);

        clock.advance(Duration.ofSeconds(10));
        assertThat(get("/actuator/circuitbreakers/backend", 200).get("state").asString()).isEqualTo("HALF_OPEN");

        // No trial call within max-wait-duration-in-half-open-state: open again.
        clock.advance(Duration.ofSeconds(5));
        JsonNode reopened = get("/actuator/circuitbreakers/backend", 200);
        assertThat(reopened.get("state").asString()).isEqualTo("OPEN");
        assertThat(reopened.get("transitions").get(0).get("reason").asString()).isEqualTo(
                "no decision within max wait duration in half-open state 5000ms: 0 of 5 trial calls finished");
    }

    @Test
    void postChangesStateAndRejectsUnknownStatesAndNames() throws Exception {
        JsonNode changed = post("/actuator/circuitbreakers/backend", "{\"state\":\"FORCED_OPEN\"}", 200);
        assertThat(changed.get("state").asString()).isEqualTo("FORCED_OPEN");
        assertThat(breakers.instance("backend").state().name()).isEqualTo("FORCED_OPEN");

        JsonNode bad = post("/actuator/circuitbreakers/backend", "{\"state\":\"SIDEWAYS\"}", 400);
        assertThat(bad.get("error").asString())
                .isEqualTo("unknown state 'SIDEWAYS'; valid states are CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED");

        post("/actuator/circuitbreakers/nope", "{\"state\":\"CLOSED\"}", 404);
        get("/actuator/circuitbreakers/nope", 404);
    }

    @Test
    void bulkheadsListTheCallsInsideWhileTheyRun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> running = pool.submit(() -> backend.slow());
            assertThat(backend.entered().await(5, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofMillis(1200));

            JsonNode slow = get("/actuator/bulkheads", 200).get("bulkheads").get("slow");
            assertThat(slow.get("maxConcurrentCalls").asInt()).isEqualTo(3);
            assertThat(slow.get("activeCalls").asInt()).isEqualTo(1);
            assertThat(slow.get("availablePermits").asInt()).isEqualTo(2);
            assertThat(slow.get("waitingCalls").asInt()).isZero();
            assertThat(slow.get("rejectedCalls").asLong()).isZero();
            assertThat(slow.propertyNames()).containsExactly("maxConcurrentCalls", "activeCalls", "availablePermits",
                    "waitingCalls", "rejectedCalls", "type", "limit", "calls");
            assertThat(slow.get("type").asString()).isEqualTo("fixed");
            assertThat(slow.get("limit").asInt()).isEqualTo(3);
            JsonNode call = slow.get("calls").get(0);
            assertThat(call.propertyNames()).containsExactly("call", "thread", "startedAt", "durationMillis",
                    "timedOut");
            assertThat(call.get("timedOut").asBoolean()).isFalse();
            assertThat(call.get("call").asString()).isEqualTo("Backend.slow");
            assertThat(call.get("thread").asString()).startsWith("pool-");
            assertThat(call.get("durationMillis").asLong()).isEqualTo(1200);
            assertThat(call.get("startedAt").asString()).isEqualTo(clock.instant().minusMillis(1200).toString());

            backend.release().countDown();
            assertThat(running.get(5, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(get("/actuator/bulkheads", 200).get("bulkheads").get("slow").get("calls").size()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retriesAndTimeoutsEndpointsShowCounts() throws Exception {
        assertThat(backend.plain()).isEqualTo("plain");
        JsonNode retry = get("/actuator/retries", 200).get("retries").get("backend");
        assertThat(retry.propertyNames()).containsExactly("maxAttempts", "successfulWithoutRetry",
                "successfulWithRetry", "failedWithRetry", "failedWithoutRetry");
        assertThat(retry.get("maxAttempts").asInt()).isEqualTo(3);

        JsonNode timeout = get("/actuator/timeouts", 200).get("timeouts").get("backend");
        assertThat(timeout.propertyNames()).containsExactly("durationMillis", "cancelRunningFuture", "successfulCalls",
                "failedCalls", "timedOutCalls");
        assertThat(timeout.get("durationMillis").asLong()).isEqualTo(2000);
        assertThat(timeout.get("cancelRunningFuture").asBoolean()).isFalse();
        assertThat(meters.get("resilience.bulkhead.waiting.calls").tags("name", "slow").gauge().value()).isZero();
        assertThat(meters.get("resilience.bulkhead.available.permits").tags("name", "slow").gauge().value())
                .isEqualTo(3.0);
    }

    @Test
    void fallbacksAppearInTheEventsEndpoint() throws Exception {
        assertThat(backend.withFallback()).isEqualTo("recovered from IllegalStateException");

        JsonNode events = get("/actuator/resilienceevents?policy=fallback", 200).get("events");
        assertThat(events.size()).isEqualTo(1);
        assertThat(events.get(0).get("name").asString()).isEqualTo("Backend.withFallback");
        assertThat(events.get(0).get("type").asString()).isEqualTo("FALLBACK_USED");
        assertThat(events.get(0).get("error").asString()).isEqualTo("java.lang.IllegalStateException: broken");
    }

    @Test
    void transitionOutlivesAHundredThousandRejectionsInTheEventsEndpoint() throws Exception {
        post("/actuator/circuitbreakers/backend", "{\"state\":\"FORCED_OPEN\"}", 200);
        int rejected = 0;
        for (int i = 0; i < 100_000; i++) {
            try {
                backend.fail();
            } catch (CircuitBreakerOpenException expected) {
                rejected++;
            }
        }
        assertThat(rejected).isEqualTo(100_000);

        JsonNode events = get("/actuator/resilienceevents?name=backend&policy=circuitbreaker", 200).get("events");
        JsonNode newest = events.get(0);
        assertThat(newest.propertyNames()).containsExactly("time", "policy", "name", "type", "detail");
        assertThat(newest.get("time").asString()).isEqualTo(clock.instant().toString());
        assertThat(newest.get("policy").asString()).isEqualTo("circuitbreaker");
        assertThat(newest.get("name").asString()).isEqualTo("backend");
        assertThat(newest.get("type").asString()).isEqualTo("NOT_PERMITTED");
        assertThat(events.findValues("type").stream().map(JsonNode::asString).filter("NOT_PERMITTED"::equals))
                .as("rejections kept: the per-instance buffer size").hasSize(200);

        JsonNode opened = transition(events, "CLOSED->FORCED_OPEN");
        assertThat(opened.propertyNames()).containsExactly("time", "policy", "name", "type", "detail", "reason");
        assertThat(opened.get("time").asString()).isEqualTo(clock.instant().toString());
        assertThat(opened.get("policy").asString()).isEqualTo("circuitbreaker");
        assertThat(opened.get("name").asString()).isEqualTo("backend");
        assertThat(opened.get("type").asString()).isEqualTo("STATE_TRANSITION");
        assertThat(opened.get("reason").asString()).isEqualTo("changed by hand");

        JsonNode everyPolicy = get("/actuator/resilienceevents?name=backend", 200).get("events");
        assertThat(transition(everyPolicy, "CLOSED->FORCED_OPEN")).isEqualTo(opened);
        assertThat(get("/actuator/resilienceevents?policy=sideways", 200).get("events").size()).isZero();
    }

    private static JsonNode transition(JsonNode events, String detail) {
        for (JsonNode event : events) {
            if (event.get("type").asString().equals("STATE_TRANSITION")
                    && event.get("detail").asString().equals(detail)) {
                return event;
            }
        }
        throw new AssertionError("no transition " + detail + " in " + events);
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (expectedStatus > 0) {
            assertThat(response.statusCode()).as(path).isEqualTo(expectedStatus);
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    private JsonNode post(String path, String body, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(expectedStatus);
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
        Backend backend() {
            return new Backend();
        }
    }

    static class Backend {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Retry(name = "backend")
        @CircuitBreaker(name = "backend")
        @Timeout(name = "backend")
        public String fail() throws IOException {
            throw new IOException("backend down");
        }

        @dev.resilience.annotation.Fallback(method = "recover")
        public String withFallback() {
            throw new IllegalStateException("broken");
        }

        private String recover(Throwable failure) {
            return "recovered from " + failure.getClass().getSimpleName();
        }

        @CircuitBreaker
        public String plain() {
            return "plain";
        }

        public CountDownLatch entered() {
            return entered;
        }

        public CountDownLatch release() {
            return release;
        }

        @Bulkhead(name = "slow")
        public String slow() throws InterruptedException {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return "done";
        }
    }
}

package dev.resilience.sample;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static dev.resilience.test.ResilienceAssertions.assertThat;
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
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.resilience.core.event.EventType;
import dev.resilience.test.ManualClock;
import dev.resilience.test.spring.ResilienceTest;
import dev.resilience.test.spring.ResilienceTestSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The whole story over real HTTP on a random port: B breaks, A's breaker opens and A answers with the
 * fallback, the breaker half-opens after its wait, B heals and the breaker closes; a slow call shows in the
 * bulkhead while it runs and is cut off by the timeout. The same for the asynchronous and the reactive client,
 * and for the plain RestClient protected by configuration alone ({@code GET /configured}), with its HTTP rules.
 * Time is the test kit's {@link ManualClock}: the test advances it. Each test starts with every policy fresh
 * ({@link ResilienceTest}); what the actuator shows is checked against the policies themselves
 * ({@link ResilienceTestSupport}) and the events they published.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ResilienceTest
class SampleApplicationEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    ManualClock clock;

    @Autowired
    ResilienceTestSupport resilience;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void breakerGoesClosedOpenHalfOpenClosedAndSlowCallsShowInTheBulkhead() throws Exception {
        long configuredAttempts = configuredClientAttempts();
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
        assertThat(resilience.circuitBreaker("serviceB")).isOpen().hasFailureRate(80.0).hasBufferedCalls(5)
                .hasFailedCalls(4).hasNotPermittedCalls(1).hasRemainingOpenTime(Duration.ofSeconds(10));
        assertThat(get("/").get("b").asString()).contains("circuit open for another 10s");

        clock.advance(Duration.ofSeconds(10));
        assertThat(breakerState()).isEqualTo("HALF_OPEN");
        assertThat(resilience.circuitBreaker("serviceB")).isHalfOpen();

        post("/b/chaos", "{}");
        assertThat(get("/").get("b").asString()).isEqualTo("hello from service B");
        assertThat(get("/").get("b").asString()).isEqualTo("hello from service B");
        assertThat(breakerState()).isEqualTo("CLOSED");
        assertThat(resilience.events()).ofInstance("serviceB").hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED);

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
        assertThat(resilience.bulkhead("serviceB")).hasActiveCalls(1).hasAvailablePermits(4);
        JsonNode call = bulkheadCalls().get(0);
        assertThat(call.get("call").asString()).isEqualTo("ServiceBClient.hello");
        assertThat(call.get("thread").asString()).isNotBlank();
        assertThat(call.get("startedAt").asString()).endsWith("Z");

        clock.advance(Duration.ofSeconds(3)); // the timeout's deadline: the call is interrupted and falls back
        assertThat(slow.get().get("b").asString()).isEqualTo("fallback: service B did not answer within 3000ms");
        assertThat(bulkheadCalls().size()).isZero();
        assertThat(resilience.bulkhead("serviceB")).hasNoCallsInside();
        assertThat(resilience.timeout("serviceB")).hasTimedOutCalls(1);
        post("/b/chaos", "{}");

        JsonNode events = get("/actuator/resilienceevents?name=serviceB&policy=circuitbreaker").get("events");
        assertThat(events.findValues("detail").stream().map(JsonNode::asString)).contains("CLOSED->OPEN",
                "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        JsonNode timeouts = get("/actuator/timeouts").get("timeouts").get("serviceB");
        assertThat(timeouts.get("timedOutCalls").asLong()).isEqualTo(1);
        assertThat(configuredClientAttempts()).as("ServiceBClient calls localhost: not protected twice")
                .isEqualTo(configuredAttempts);
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
            assertThat(resilience.bulkhead("serviceBAsync")).hasActiveCalls(2).hasWaitingCalls(1);

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
            assertThat(resilience.bulkhead("serviceBAsync")).hasNoCallsInside();
            assertThat(resilience.events()).ofInstance("serviceBAsync").hasEventCount(EventType.TIMEOUT, 3);
        } finally {
            post("/b/chaos", "{}");
        }
    }

    @Test
    void reactiveCallsGoThroughTheSameStoryPerSubscription() throws Exception {
        long configuredAttempts = configuredClientAttempts();
        try {
            JsonNode healthy = get("/reactive");
            assertThat(healthy.get("a").asString()).isEqualTo("hello from service A");
            assertThat(healthy.get("b").asString()).isEqualTo("hello from service B");
            assertThat(reactiveBreaker().get("state").asString()).isEqualTo("CLOSED");

            post("/b/chaos", "{\"failureRate\": 1.0, \"status\": 503, \"retryAfterSeconds\": 1}");
            long before = serviceBCalls();
            // The first attempt fails; the retry's wait (B's Retry-After, 1s) is a timer on the clock, and the
            // retry subscribes again: WebClient sends a second request.
            assertThat(getThroughOneRetry("/reactive").get("b").asString())
                    .isEqualTo("fallback: service B failed (service B answered 503, retry after 1s)");
            assertThat(serviceBCalls()).isEqualTo(before + 2);
            // The fifth recorded call (minimum-number-of-calls) opens the breaker: 1 success, then 4 failures.
            assertThat(getThroughOneRetry("/reactive").get("b").asString()).startsWith("fallback: service B failed");
            assertThat(serviceBCalls()).isEqualTo(before + 4);
            JsonNode open = reactiveBreaker();
            assertThat(open.get("state").asString()).isEqualTo("OPEN");
            assertThat(open.get("failureRate").asDouble()).isEqualTo(80.0);
            assertThat(open.get("remainingOpenMillis").asLong()).isEqualTo(10_000);
            assertThat(resilience.circuitBreaker("serviceBReactive")).isOpen().hasFailureRate(80.0);

            // Open: the subscription is rejected at once (no retry: the rejection is not a retried failure)
            // and B sees nothing.
            long rejectedBefore = open.get("notPermittedCalls").asLong();
            assertThat(get("/reactive").get("b").asString())
                    .isEqualTo("fallback: service B is unavailable, circuit open for another 10s");
            assertThat(serviceBCalls()).isEqualTo(before + 4);
            assertThat(reactiveBreaker().get("notPermittedCalls").asLong()).isEqualTo(rejectedBefore + 1);

            clock.advance(Duration.ofSeconds(10));
            assertThat(reactiveBreaker().get("state").asString()).isEqualTo("HALF_OPEN");

            post("/b/chaos", "{}");
            assertThat(get("/reactive").get("b").asString()).isEqualTo("hello from service B");
            assertThat(get("/reactive").get("b").asString()).isEqualTo("hello from service B");
            assertThat(reactiveBreaker().get("state").asString()).isEqualTo("CLOSED");
            assertThat(serviceBCalls()).isEqualTo(before + 6);

            JsonNode transitions = get("/actuator/circuitbreakers/serviceBReactive").get("transitions");
            assertThat(transitions.findValues("to").stream().map(JsonNode::asString))
                    .containsExactly("CLOSED", "HALF_OPEN", "OPEN");
            JsonNode events = get("/actuator/resilienceevents?name=serviceBReactive&policy=circuitbreaker")
                    .get("events");
            assertThat(events.findValues("detail").stream().map(JsonNode::asString)).contains("CLOSED->OPEN",
                    "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
            assertThat(resilience.events()).ofInstance("serviceBReactive")
                    .hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED).hasEventCount(EventType.RETRY_SCHEDULED, 2);

            // B hangs for 10s; the timeout (3s) cancels the subscription at its deadline.
            post("/b/chaos", "{\"latencyMillis\": 10000}");
            int idle = clock.pendingTasks();
            CompletableFuture<JsonNode> hanging = getAsync("/reactive");
            // Subscribed: the call holds a bulkhead place and its deadline is on the clock.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> reactiveBulkheadCalls().size() == 1 && clock.pendingTasks() == idle + 1);
            assertThat(reactiveBulkheadCalls().get(0).get("call").asString())
                    .isEqualTo("ServiceBReactiveClient.hello");
            assertThat(hanging).isNotDone();

            clock.advance(Duration.ofSeconds(3));
            // On time: at the deadline, though B would take 10s to answer.
            assertThat(hanging.get(5, TimeUnit.SECONDS).get("b").asString())
                    .isEqualTo("fallback: service B did not answer within 3000ms");
            assertThat(reactiveBulkheadCalls().size()).as("the cancelled subscription's place is free").isZero();
            JsonNode timeouts = get("/actuator/timeouts").get("timeouts").get("serviceBReactive");
            assertThat(timeouts.get("timedOutCalls").asLong()).isEqualTo(1);
            assertThat(configuredClientAttempts())
                    .as("ServiceBReactiveClient's WebClient calls localhost: not protected twice")
                    .isEqualTo(configuredAttempts);
        } finally {
            post("/b/chaos", "{}");
        }
    }

    @Test
    void aPlainRestClientIsProtectedByConfigurationAloneWithTheHttpRules() throws Exception {
        try {
            long before = serviceBCalls();
            Duration slept = clock.slept();
            JsonNode healthy = get("/configured");
            assertThat(healthy.get("a").asString()).isEqualTo("hello from service A");
            assertThat(healthy.get("b").asString()).isEqualTo("hello from service B");
            assertThat(serviceBCalls()).isEqualTo(before + 1);
            assertThat(httpBreaker().get("state").asString()).isEqualTo("CLOSED");
            long failedWithRetry = httpRetry().get("failedWithRetry").asLong();

            post("/b/chaos", "{\"failureRate\": 1.0, \"status\": 503, \"retryAfterSeconds\": 1}");
            // A 503 is a failure status and GET is idempotent: retried, after B's Retry-After (1s, not the
            // retry's own 200ms; a blocking retry sleeps on the manual clock, which moves it at once). After the
            // last attempt RestClient throws HttpServerErrorException, which the controller answers.
            assertThat(get("/configured").get("b").asString())
                    .isEqualTo("fallback: service B failed (answered 503 to the last attempt)");
            assertThat(serviceBCalls()).as("two attempts").isEqualTo(before + 3);
            assertThat(clock.slept()).isEqualTo(slept.plusSeconds(1));
            // Each attempt is a call for the breaker: the fifth recorded one (1 success, 4 failures) opens it.
            assertThat(get("/configured").get("b").asString())
                    .isEqualTo("fallback: service B failed (answered 503 to the last attempt)");
            assertThat(serviceBCalls()).isEqualTo(before + 5);
            assertThat(clock.slept()).isEqualTo(slept.plusSeconds(2));
            JsonNode open = httpBreaker();
            assertThat(open.get("state").asString()).isEqualTo("OPEN");
            assertThat(open.get("failureRate").asDouble()).isEqualTo(80.0);
            assertThat(open.get("remainingOpenMillis").asLong()).isEqualTo(10_000);
            assertThat(httpRetry().get("failedWithRetry").asLong()).isEqualTo(failedWithRetry + 2);
            assertThat(resilience.circuitBreaker("serviceBHttp")).isOpen().hasFailureRate(80.0).hasBufferedCalls(5);
            assertThat(resilience.retry("serviceBHttp")).hasFailedCallsWithRetry(2);

            // Open: the request is rejected before it is sent (not retried, no wait) and B sees nothing.
            long rejectedBefore = open.get("notPermittedCalls").asLong();
            assertThat(get("/configured").get("b").asString())
                    .isEqualTo("fallback: service B is unavailable, circuit open for another 10s");
            assertThat(serviceBCalls()).isEqualTo(before + 5);
            assertThat(clock.slept()).isEqualTo(slept.plusSeconds(2));
            assertThat(httpBreaker().get("notPermittedCalls").asLong()).isEqualTo(rejectedBefore + 1);

            clock.advance(Duration.ofSeconds(10));
            assertThat(httpBreaker().get("state").asString()).isEqualTo("HALF_OPEN");

            post("/b/chaos", "{}");
            assertThat(get("/configured").get("b").asString()).isEqualTo("hello from service B");
            assertThat(get("/configured").get("b").asString()).isEqualTo("hello from service B");
            assertThat(httpBreaker().get("state").asString()).isEqualTo("CLOSED");
            assertThat(serviceBCalls()).isEqualTo(before + 7);

            JsonNode transitions = get("/actuator/circuitbreakers/serviceBHttp").get("transitions");
            assertThat(transitions.findValues("to").stream().map(JsonNode::asString))
                    .containsExactly("CLOSED", "HALF_OPEN", "OPEN");
            JsonNode events = get("/actuator/resilienceevents?name=serviceBHttp&policy=circuitbreaker")
                    .get("events");
            assertThat(events.findValues("detail").stream().map(JsonNode::asString)).contains("CLOSED->OPEN",
                    "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
            assertThat(resilience.events()).ofInstance("serviceBHttp").hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED);

            // A 404 is B's answer, not a failure: sent once, not retried, a success for the breaker. Five of
            // them in a row (minimum-number-of-calls) leave it closed.
            post("/b/chaos", "{\"failureRate\": 1.0, \"status\": 404}");
            for (int i = 0; i < 5; i++) {
                assertThat(get("/configured").get("b").asString()).isEqualTo("service B answered 404");
            }
            assertThat(serviceBCalls()).as("one request each").isEqualTo(before + 12);
            assertThat(clock.slept()).isEqualTo(slept.plusSeconds(2));
            JsonNode afterNotFound = httpBreaker();
            assertThat(afterNotFound.get("state").asString()).isEqualTo("CLOSED");
            assertThat(afterNotFound.get("failedCalls").asLong()).isZero();
            assertThat(afterNotFound.get("failureRate").asDouble()).isEqualTo(0.0);
            assertThat(resilience.circuitBreaker("serviceBHttp")).isClosed().hasFailedCalls(0).hasFailureRate(0.0);

            // B hangs for 10s; the timeout (3s) interrupts the attempt at its deadline, which is not retried.
            post("/b/chaos", "{\"latencyMillis\": 10000}");
            long timedOut = get("/actuator/timeouts").get("timeouts").get("serviceBHttp").get("timedOutCalls")
                    .asLong();
            CompletableFuture<JsonNode> hanging = getAsync("/configured");
            await().atMost(Duration.ofSeconds(10)).until(() -> httpBulkheadCalls().size() == 1);
            assertThat(httpBulkheadCalls().get(0).get("call").asString()).isEqualTo("HTTP serviceBHttp");
            assertThat(hanging).isNotDone();

            clock.advance(Duration.ofSeconds(3));
            assertThat(hanging.get(5, TimeUnit.SECONDS).get("b").asString())
                    .isEqualTo("fallback: service B did not answer within 3000ms");
            assertThat(serviceBCalls()).as("not retried").isEqualTo(before + 13);
            assertThat(httpBulkheadCalls().size()).isZero();
            assertThat(get("/actuator/timeouts").get("timeouts").get("serviceBHttp").get("timedOutCalls").asLong())
                    .isEqualTo(timedOut + 1);
        } finally {
            post("/b/chaos", "{}");
        }
    }

    /**
     * GETs {@code path} while B fails with a Retry-After of 1s: waits until the retry's wait is on the clock,
     * with the request still waiting (no thread sleeps for it), ends the wait and returns the answer.
     */
    private JsonNode getThroughOneRetry(String path) throws Exception {
        int scheduled = reactiveRetriesScheduled();
        int idle = clock.pendingTasks();
        CompletableFuture<JsonNode> call = getAsync(path);
        // The event comes just before the timer is set, and the failed attempt's deadline is off the clock by
        // then: one more task after the event is the retry's wait.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> reactiveRetriesScheduled() == scheduled + 1 && clock.pendingTasks() == idle + 1);
        assertThat(call).isNotDone();
        clock.advance(Duration.ofSeconds(1));
        return call.get(10, TimeUnit.SECONDS);
    }

    private int reactiveRetriesScheduled() throws Exception {
        JsonNode events = get("/actuator/resilienceevents?name=serviceBReactive&policy=retry").get("events");
        return (int) events.findValues("type").stream().map(JsonNode::asString)
                .filter("RETRY_SCHEDULED"::equals).count();
    }

    private JsonNode reactiveBreaker() throws Exception {
        return get("/actuator/circuitbreakers").get("circuitBreakers").get("serviceBReactive");
    }

    private JsonNode reactiveBulkheadCalls() throws Exception {
        return get("/actuator/bulkheads").get("bulkheads").get("serviceBReactive").get("calls");
    }

    private JsonNode httpBreaker() throws Exception {
        return get("/actuator/circuitbreakers").get("circuitBreakers").get("serviceBHttp");
    }

    private JsonNode httpRetry() throws Exception {
        return get("/actuator/retries").get("retries").get("serviceBHttp");
    }

    private JsonNode httpBulkheadCalls() throws Exception {
        return get("/actuator/bulkheads").get("bulkheads").get("serviceBHttp").get("calls");
    }

    /** Every attempt through the configured client so far: each passes its timeout, which counts them all. */
    private long configuredClientAttempts() throws Exception {
        JsonNode timeout = get("/actuator/timeouts").get("timeouts").get("serviceBHttp");
        return timeout.get("successfulCalls").asLong() + timeout.get("failedCalls").asLong()
                + timeout.get("timedOutCalls").asLong();
    }

    private long serviceBCalls() throws Exception {
        return get("/b/calls").get("calls").asLong();
    }

    private CompletableFuture<JsonNode> getAsync(String path) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return get(path);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
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
}

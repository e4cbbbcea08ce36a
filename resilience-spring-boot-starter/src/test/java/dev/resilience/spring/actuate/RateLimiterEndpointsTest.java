package dev.resilience.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.test.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Rate limiters and retry budgets in the endpoints, the events endpoint, the info section and the meters, against
 * a real server. Each test uses instances of its own: the context is shared.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=*",
        "management.info.resilience.enabled=true",
        "resilience.ratelimiter.configs.default.limit-for-period=2",
        "resilience.ratelimiter.configs.default.limit-refresh-period=10s",
        "resilience.ratelimiter.instances.waiting.limit-refresh-period=1s",
        "resilience.ratelimiter.instances.waiting.limit-for-period=1",
        "resilience.ratelimiter.instances.waiting.max-wait-duration=5s",
        "resilience.ratelimiter.instances.waiting.type=fixed-window",
        "resilience.retry.configs.default.wait-duration=0ms",
        "resilience.retry.budgets.fleet.max-retry-ratio=0",
        "resilience.retry.budgets.fleet.min-retries-per-second=0",
        "resilience.retry.budgets.unused.window=1m",
        "resilience.retry.instances.budgeted.budget=fleet",
        "resilience.retry.instances.also-budgeted.budget=fleet" })
class RateLimiterEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Limited limited;

    @Autowired
    ManualClock clock;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RateLimiterRegistry rateLimiters;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void listsEveryRateLimiterWithItsLimitCountsAndConfig() throws Exception {
        limited.listed();
        limited.listed();
        assertThatThrownBy(limited::listed).isInstanceOf(RateLimitExceededException.class);

        JsonNode all = get("/actuator/ratelimiters", 200).get("rateLimiters");
        assertThat(all.propertyNames()).contains("listed", "waiting", "tenants", "events", "metered");
        JsonNode listed = all.get("listed");
        assertThat(listed.propertyNames()).containsExactly("limit", "period", "type", "scope", "availablePermits",
                "waitingCalls", "rejectedCalls", "permittedCalls", "keys", "config");
        assertThat(listed.get("limit").asInt()).isEqualTo(2);
        assertThat(listed.get("period").asString()).isEqualTo("PT10S");
        assertThat(listed.get("type").asString()).isEqualTo("SMOOTH");
        assertThat(listed.get("scope").asString()).isEqualTo("LOCAL");
        assertThat(listed.get("availablePermits").asLong()).isZero();
        assertThat(listed.get("waitingCalls").asInt()).isZero();
        assertThat(listed.get("rejectedCalls").asLong()).isEqualTo(1);
        assertThat(listed.get("permittedCalls").asLong()).isEqualTo(2);
        assertThat(listed.get("keys").asInt()).isZero();
        JsonNode config = listed.get("config");
        assertThat(config.propertyNames()).containsExactly("limitForPeriod", "limitRefreshPeriod", "type",
                "maxWaitDuration", "maxKeys", "scope", "expectedInstances", "onEngineFailure");
        assertThat(config.get("maxWaitDuration").asString()).isEqualTo("PT0S");
        assertThat(config.get("maxKeys").asInt()).isEqualTo(10_000);
        assertThat(config.get("expectedInstances").asInt()).isEqualTo(1);
        assertThat(config.get("onEngineFailure").asString()).isEqualTo("LOCAL");

        assertThat(get("/actuator/ratelimiters/listed", 200)).isEqualTo(listed);
        assertThat(get("/actuator/ratelimiters/nope", 404).get("error").asString())
                .isEqualTo("no rate limiter named 'nope'");
    }

    @Test
    void showsCallsWaitingForAPermitAndKeysWithABucketOfTheirOwn() throws Exception {
        assertThat(limited.waiting()).isCompletedWithValue("waited");
        CompletableFuture<String> waiting = limited.waiting();
        JsonNode view = get("/actuator/ratelimiters/waiting", 200);
        assertThat(view.get("waitingCalls").asInt()).isEqualTo(1);
        assertThat(view.get("type").asString()).isEqualTo("FIXED_WINDOW");
        assertThat(view.get("config").get("maxWaitDuration").asString()).isEqualTo("PT5S");
        assertThat(meters.get("resilience.ratelimiter.waiting.calls").tags("name", "waiting").gauge().value())
                .isEqualTo(1.0);

        clock.advance(Duration.ofSeconds(1));
        assertThat(waiting).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("waited");
        assertThat(get("/actuator/ratelimiters/waiting", 200).get("waitingCalls").asInt()).isZero();

        limited.tenant("acme");
        limited.tenant("globex");
        limited.tenant("acme");
        JsonNode tenants = get("/actuator/ratelimiters/tenants", 200);
        assertThat(tenants.get("keys").asInt()).isEqualTo(2);
        assertThat(tenants.get("permittedCalls").asLong()).isEqualTo(3);
        assertThat(tenants.get("availablePermits").asLong()).as("the shared bucket").isEqualTo(2);
    }

    @Test
    void rejectionsAppearInTheEventsEndpointButPermitsDoNot() throws Exception {
        limited.events();
        limited.events();
        assertThatThrownBy(limited::events).isInstanceOf(RateLimitExceededException.class);

        JsonNode events = get("/actuator/resilienceevents?name=events&policy=ratelimiter", 200).get("events");
        assertThat(events.size()).isEqualTo(1);
        JsonNode rejected = events.get(0);
        assertThat(rejected.get("policy").asString()).isEqualTo("ratelimiter");
        assertThat(rejected.get("name").asString()).isEqualTo("events");
        assertThat(rejected.get("type").asString()).isEqualTo("RATE_LIMITER_REJECTED");
        assertThat(rejected.get("error").asString()).isEqualTo("dev.resilience.core.ratelimiter."
                + "RateLimitExceededException: rate limiter 'events' has no permit: the next frees in 5000ms");
        assertThat(rejected.get("time").asString()).isEqualTo(clock.instant().toString());
    }

    @Test
    void meteredCallsPermitsAndWaits() {
        limited.metered();
        limited.metered();
        assertThatThrownBy(limited::metered).isInstanceOf(RateLimitExceededException.class);
        assertThat(meters.get("resilience.ratelimiter.calls").tags("name", "metered", "kind", "permitted")
                .functionCounter().count()).isEqualTo(2.0);
        assertThat(meters.get("resilience.ratelimiter.calls").tags("name", "metered", "kind", "rejected")
                .functionCounter().count()).isEqualTo(1.0);
        assertThat(meters.get("resilience.ratelimiter.available.permits").tags("name", "metered").gauge().value())
                .isZero();
        assertThat(meters.get("resilience.ratelimiter.waiting.calls").tags("name", "metered").gauge().value())
                .isZero();
        clock.advance(Duration.ofSeconds(5));
        assertThat(meters.get("resilience.ratelimiter.available.permits").tags("name", "metered").gauge().value())
                .as("one of 2 per 10s refilled").isEqualTo(1.0);
    }

    @Test
    void retriesShowEveryBudgetAndASpentOneInEventsAndMeters() throws Exception {
        assertThatThrownBy(limited::budgeted).isInstanceOf(IOException.class)
                .satisfies(failure -> assertThat(failure.getSuppressed()).hasSize(1));

        JsonNode body = get("/actuator/retries", 200);
        assertThat(body.propertyNames()).containsExactly("retries", "budgets");
        JsonNode retry = body.get("retries").get("budgeted");
        assertThat(retry.get("budget").asString()).isEqualTo("fleet");
        assertThat(retry.get("failedWithoutRetry").asLong()).isEqualTo(1);
        assertThat(body.get("retries").get("also-budgeted").get("budget").asString()).isEqualTo("fleet");
        assertThat(body.get("retries").get("Limited.unbudgeted").has("budget")).isFalse();

        JsonNode budgets = body.get("budgets");
        assertThat(budgets.propertyNames()).containsExactly("fleet", "unused");
        JsonNode fleet = budgets.get("fleet");
        assertThat(fleet.propertyNames()).containsExactly("maxRetryRatio", "window", "minRetriesPerSecond", "ratio",
                "rejectedRetries");
        assertThat(fleet.get("maxRetryRatio").asDouble()).isZero();
        assertThat(fleet.get("window").asString()).isEqualTo("PT10S");
        assertThat(fleet.get("minRetriesPerSecond").asDouble()).isZero();
        assertThat(fleet.get("ratio").asDouble()).isZero();
        assertThat(fleet.get("rejectedRetries").asLong()).isEqualTo(1);
        assertThat(budgets.get("unused").get("window").asString()).isEqualTo("PT1M");
        assertThat(budgets.get("unused").get("maxRetryRatio").asDouble()).isEqualTo(0.2);

        JsonNode events = get("/actuator/resilienceevents?name=budgeted&policy=retry", 200).get("events");
        assertThat(events.findValues("type").stream().map(JsonNode::asString)).contains("RETRY_BUDGET_EXHAUSTED");
        assertThat(meters.get("resilience.retry.budget.rejected").tags("budget", "fleet").functionCounter().count())
                .isEqualTo(1.0);
        assertThat(meters.get("resilience.retry.budget.rejected").tags("budget", "unused").functionCounter().count())
                .isZero();
    }

    @Test
    void theMetricsEndpointListsTheRateLimiterMeters() throws Exception {
        JsonNode names = get("/actuator/metrics", 200).get("names");
        assertThat(names.valueStream().map(JsonNode::asString)).contains("resilience.ratelimiter.calls",
                "resilience.ratelimiter.available.permits", "resilience.ratelimiter.waiting.calls",
                "resilience.retry.budget.rejected");
    }

    @Test
    void theInfoSectionCountsTheRateLimiters() throws Exception {
        assertThat(get("/actuator/info", 200).get("resilience").get("rateLimiters").asInt())
                .isEqualTo(rateLimiters.all().size()).isEqualTo(5);
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(expectedStatus);
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {

        @Bean
        ManualClock resilienceClock() {
            return new ManualClock();
        }

        @Bean
        Limited limited() {
            return new Limited();
        }
    }

    static class Limited {

        @RateLimiter(name = "listed")
        public String listed() {
            return "listed";
        }

        @RateLimiter(name = "waiting")
        public CompletableFuture<String> waiting() {
            return CompletableFuture.completedFuture("waited");
        }

        @RateLimiter(name = "tenants", key = "#tenant")
        public String tenant(String tenant) {
            return tenant;
        }

        @RateLimiter(name = "events")
        public String events() {
            return "events";
        }

        @RateLimiter(name = "metered")
        public String metered() {
            return "metered";
        }

        @Retry(name = "budgeted")
        public String budgeted() throws IOException {
            throw new IOException("down");
        }

        @Retry(name = "also-budgeted")
        public String alsoBudgeted() {
            return "ok";
        }

        @Retry
        public String unbudgeted() {
            return "ok";
        }
    }
}

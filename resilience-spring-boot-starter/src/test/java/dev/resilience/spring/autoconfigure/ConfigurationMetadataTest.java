package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The IDE metadata ships in the jar and documents every key of the default configs. */
class ConfigurationMetadataTest {

    @Test
    void metadataDocumentsEveryPolicyKeyWithItsDefault() throws Exception {
        String metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata on the classpath").isNotNull();
            metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(metadata)
                .contains("\"resilience.enabled\"")
                .contains("\"resilience.circuitbreaker.instances\"")
                .contains("\"resilience.circuitbreaker.configs.default.failure-rate-threshold\"")
                .contains("\"resilience.circuitbreaker.configs.default.permitted-calls-in-half-open-state\"")
                .contains("\"resilience.circuitbreaker.configs.default.max-wait-duration-in-half-open-state\"")
                .contains("\"resilience.retry.configs.default.max-attempts\"")
                .contains("\"resilience.retry.configs.default.jitter\"")
                .contains("\"resilience.timeout.configs.default.duration\"")
                .contains("\"resilience.bulkhead.configs.default.max-concurrent-calls\"")
                .contains("\"defaultValue\": \"30s\"")
                // A client's keys (hosts, policies, ...) come from the map's value type, which IDEs follow.
                .contains("\"resilience.http.clients\"")
                .contains("java.util.Map<java.lang.String,dev.resilience.spring.autoconfigure.HttpClientsProperties$Client>");
    }

    @Test
    void metadataDocumentsTheRateLimiterKeysWithTheirDefaults() throws Exception {
        JsonNode metadata = metadata();
        Map<String, Object> defaults = Map.of(
                "resilience.ratelimiter.configs.default.limit-for-period", 50,
                "resilience.ratelimiter.configs.default.limit-refresh-period", "1s",
                "resilience.ratelimiter.configs.default.type", "smooth",
                "resilience.ratelimiter.configs.default.max-wait-duration", "0",
                "resilience.ratelimiter.configs.default.max-keys", 10000,
                "resilience.ratelimiter.configs.default.scope", "local",
                "resilience.ratelimiter.configs.default.expected-instances", 1,
                "resilience.ratelimiter.configs.default.on-engine-failure", "local");
        defaults.forEach((name, value) -> {
            JsonNode property = property(metadata, name);
            assertThat(property.get("description").asString()).as(name).isNotBlank();
            assertThat(property.get("defaultValue").isNumber() ? (Object) property.get("defaultValue").asInt()
                    : property.get("defaultValue").asString()).as(name).isEqualTo(value);
        });
        assertThat(property(metadata, "resilience.ratelimiter.configs.default.type").get("type").asString())
                .isEqualTo("dev.resilience.core.ratelimiter.RateLimiterType");
        assertThat(property(metadata, "resilience.ratelimiter.configs.default.scope").get("type").asString())
                .isEqualTo("dev.resilience.core.ratelimiter.RateLimiterScope");
        assertThat(property(metadata, "resilience.ratelimiter.configs.default.on-engine-failure").get("type")
                .asString()).isEqualTo("dev.resilience.core.ratelimiter.EngineFailureMode");
        assertThat(property(metadata, "resilience.ratelimiter.configs.default.base-config")).isNotNull();
        // Instances and named configs: the map's value type, which IDEs follow.
        assertThat(property(metadata, "resilience.ratelimiter.instances").get("type").asString())
                .isEqualTo("java.util.Map<java.lang.String,dev.resilience.spring.autoconfigure."
                        + "RateLimiterProperties$Settings>");
        assertThat(property(metadata, "resilience.ratelimiter.configs")).isNotNull();
        assertThat(hint(metadata, "resilience.ratelimiter.configs.keys").get("values").get(0).get("value")
                .asString()).isEqualTo("default");
    }

    @Test
    void metadataDocumentsRetryBudgetsAndTheBudgetOfARetry() throws Exception {
        JsonNode metadata = metadata();
        assertThat(property(metadata, "resilience.retry.budgets").get("type").asString())
                .isEqualTo("java.util.Map<java.lang.String,dev.resilience.spring.autoconfigure.RetryProperties$Budget>");
        assertThat(property(metadata, "resilience.retry.budgets").get("description").asString())
                .startsWith("Retry budgets by name");
        assertThat(property(metadata, "resilience.retry.configs.default.budget").get("description").asString())
                .contains("resilience.retry.budgets");
    }

    @Test
    void metadataDocumentsTheChaosKeysWithTheirDefaults() throws Exception {
        JsonNode metadata = metadata();
        JsonNode enabled = property(metadata, "resilience.chaos.enabled");
        assertThat(enabled.get("type").asString()).isEqualTo("java.lang.Boolean");
        assertThat(enabled.get("defaultValue").asBoolean()).isFalse();
        assertThat(enabled.get("description").asString()).isNotBlank();
        Map<String, Object> defaults = Map.of(
                "resilience.chaos.configs.default.enabled", true,
                "resilience.chaos.configs.default.fault-rate", 0.0,
                "resilience.chaos.configs.default.exception", "dev.resilience.core.chaos.InjectedFaultException",
                "resilience.chaos.configs.default.latency", "0",
                "resilience.chaos.configs.default.latency-rate", 0.0,
                "resilience.chaos.configs.default.status", 0.0);
        defaults.forEach((name, value) -> {
            JsonNode property = property(metadata, name);
            assertThat(property.get("description").asString()).as(name).isNotBlank();
            JsonNode given = property.get("defaultValue");
            Object actual = given.isBoolean() ? (Object) given.asBoolean()
                    : given.isNumber() ? (Object) given.asDouble() : given.asString();
            assertThat(actual).as(name).isEqualTo(value);
        });
        assertThat(property(metadata, "resilience.chaos.configs.default.status").get("description").asString())
                .startsWith("HTTP clients only");
        assertThat(property(metadata, "resilience.chaos.configs.default.base-config")).isNotNull();
        assertThat(property(metadata, "resilience.chaos.instances").get("type").asString())
                .isEqualTo("java.util.Map<java.lang.String,dev.resilience.spring.autoconfigure.ChaosProperties$Settings>");
        assertThat(property(metadata, "resilience.chaos.configs")).isNotNull();
        assertThat(hint(metadata, "resilience.chaos.configs.keys").get("values").get(0).get("value").asString())
                .isEqualTo("default");
        // The endpoint's write is off unless allowed: Boot documents its access with our default.
        assertThat(property(metadata, "management.endpoint.chaos.access").get("defaultValue").asString())
                .isEqualTo("read_only");
    }

    private static JsonNode metadata() throws Exception {
        return new ObjectMapper().readTree(resource("/META-INF/spring-configuration-metadata.json"));
    }

    private static byte[] resource(String path) throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return in.readAllBytes();
        }
    }

    private static JsonNode property(JsonNode metadata, String name) {
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals(name)) {
                return property;
            }
        }
        throw new AssertionError("no property " + name + " in the metadata");
    }

    private static JsonNode hint(JsonNode metadata, String name) {
        for (JsonNode hint : metadata.get("hints")) {
            if (hint.get("name").asString().equals(name)) {
                return hint;
            }
        }
        throw new AssertionError("no hint " + name + " in the metadata");
    }
}

package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

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
}

package dev.resilience.spring.reconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The IDE metadata documents the live reconfiguration switch with its default. */
class ReconfigurationMetadataTest {

    @Test
    void metadataDocumentsTheReconfigurationSwitch() throws Exception {
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated metadata on the classpath").isNotNull();
            metadata = new ObjectMapper().readTree(in.readAllBytes());
        }
        JsonNode found = null;
        for (JsonNode property : metadata.get("properties")) {
            if (property.get("name").asString().equals("resilience.reconfiguration.enabled")) {
                found = property;
            }
        }
        assertThat(found).as("resilience.reconfiguration.enabled in the metadata").isNotNull();
        assertThat(found.get("type").asString()).isEqualTo("java.lang.Boolean");
        assertThat(found.get("defaultValue").asBoolean()).isTrue();
        assertThat(found.get("description").asString()).contains("EnvironmentChangeEvent");
    }
}

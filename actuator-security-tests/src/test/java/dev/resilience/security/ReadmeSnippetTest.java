package dev.resilience.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The README's "Protecting the actuator" section shows {@link ActuatorSecurityConfiguration} and this module's
 * application.yml: the code a user copies is the code {@link ActuatorSecurityTest} runs against.
 */
class ReadmeSnippetTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void theReadmeShowsTheFilterChainTheTestRuns() throws Exception {
        String source = read("src/test/java/dev/resilience/security/ActuatorSecurityConfiguration.java");
        String shown = source.substring(source.indexOf("import ")); // all but the package line

        assertThat(readme()).contains("```java\n" + shown + "```\n");
    }

    @Test
    void theReadmeShowsTheConfigurationTheTestRuns() throws Exception {
        String yml = read("src/test/resources/application.yml");

        assertThat(readme()).contains("```yaml\n" + yml + "```\n");
    }

    private static String readme() throws Exception {
        return Files.readString(MODULE.resolveSibling("README.md"));
    }

    private static String read(String path) throws Exception {
        return Files.readString(MODULE.resolve(path));
    }
}

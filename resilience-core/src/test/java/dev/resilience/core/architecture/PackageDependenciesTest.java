package dev.resilience.core.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's packages show their roles and depend on each other in one direction only: the shared vocabulary
 * (the root package) and the SPI at the bottom, then the internals, then the policies (which never know each
 * other), then the pipeline that composes them. Read from the sources, so a new dependency fails here first.
 */
class PackageDependenciesTest {

    private static final String ROOT = "dev.resilience.core";
    private static final Set<String> POLICIES = Set.of("bulkhead", "circuitbreaker", "fallback", "retry", "timeout", "hedge");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.resilience\\.core((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    /** Package (relative to the root, "" for the root) to the packages it refers to. */
    private static final Map<String, Set<String>> DEPENDENCIES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        Path sources = Path.of("src/main/java/dev/resilience/core");
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String pkg = sources.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = DEPENDENCIES.computeIfAbsent(pkg, key -> new TreeSet<>());
                Matcher matcher = REFERENCE.matcher(read(file));
                while (matcher.find()) {
                    String used = matcher.group(1).isEmpty() ? "" : matcher.group(1).substring(1);
                    if (!used.equals(pkg)) {
                        uses.add(used);
                    }
                }
            });
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theSourcesWereFound() {
        assertThat(DEPENDENCIES).containsKeys("", "spi", "internal", "event", "pipeline").containsKeys(
                POLICIES.toArray(String[]::new));
    }

    @Test
    void theRootPackageIsTheVocabularyAndDependsOnNothing() {
        assertThat(DEPENDENCIES.get("")).isEmpty();
    }

    @Test
    void theSpiDependsOnNothingButTheVocabulary() {
        assertThat(DEPENDENCIES.get("spi")).isSubsetOf("");
    }

    @Test
    void eventsDependOnTheSpiOnly() {
        assertThat(DEPENDENCIES.get("event")).isSubsetOf("", "spi");
    }

    @Test
    void internalsKnowNoPolicyAndNoPipeline() {
        assertThat(DEPENDENCIES.get("internal")).isSubsetOf("", "spi", "event");
    }

    @Test
    void aPolicyNeverKnowsAnotherPolicyNorThePipeline() {
        for (String policy : POLICIES) {
            assertThat(DEPENDENCIES.get(policy)).as("package %s uses", policy).isSubsetOf("", "spi", "event", "internal");
        }
    }

    @Test
    void thereAreNoCycles() {
        List<String> cycles = new ArrayList<>();
        for (String start : DEPENDENCIES.keySet()) {
            findCycle(start, start, new ArrayList<>(List.of(start)), cycles);
        }
        assertThat(cycles).isEmpty();
    }

    private static void findCycle(String start, String at, List<String> path, List<String> cycles) {
        for (String next : DEPENDENCIES.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                cycles.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(start) > 0) {
                path.add(next);
                findCycle(start, next, path, cycles);
                path.remove(path.size() - 1);
            }
        }
    }
}

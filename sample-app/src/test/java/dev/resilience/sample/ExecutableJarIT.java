package dev.resilience.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The jar {@code ./mvnw package} makes is an executable Spring Boot jar: {@code java -jar} starts the sample app,
 * which answers as it does under {@code spring-boot:run}. It runs in a JVM of its own, out of reach of the test
 * kit's clock and assertions; the kit (test scope) must not be in it.
 */
class ExecutableJarIT {

    private static final Pattern STARTED = Pattern.compile("Tomcat started on port (\\d+)");

    @Test
    void javaDashJarStartsTheSampleApp() throws Exception {
        Path jar = Path.of(System.getProperty("sample.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process app = new ProcessBuilder(java, "-jar", jar.toString(), "--server.port=0",
                "--logging.level.dev.resilience=INFO").redirectErrorStream(true).start();
        try {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        Matcher started = STARTED.matcher(line);
                        if (started.find()) {
                            port.complete(Integer.parseInt(started.group(1)));
                        }
                    }
                    port.completeExceptionally(new IllegalStateException("the app exited before it started"));
                } catch (Exception e) {
                    port.completeExceptionally(e);
                }
            }, "sample-app-output");
            reader.setDaemon(true);
            reader.start();

            int appPort = port.get(90, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> home = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> breakers = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + appPort + "/actuator/circuitbreakers"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(home.statusCode()).isEqualTo(200);
            assertThat(home.body()).contains("hello from service A").contains("hello from service B");
            assertThat(breakers.body()).contains("\"serviceB\"").contains("\"serviceBHttp\"");
            assertThat(Files.size(jar)).as("a fat jar, with its dependencies").isGreaterThan(10_000_000L);
            assertThat(libraries(jar)).as("the library ships in the jar, its test kit (test scope) does not")
                    .anyMatch(name -> name.startsWith("BOOT-INF/lib/resilience-core-"))
                    .noneMatch(name -> name.startsWith("BOOT-INF/lib/resilience-test-"));
        } finally {
            app.destroy();
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly();
            }
        }
    }

    private static List<String> libraries(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).filter(name -> name.startsWith("BOOT-INF/lib/")).toList();
        }
    }
}

package dev.resilience.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Two services in one process: service B ({@code /b}) answers hello but can be made slow, failing or flapping;
 * service A ({@code /}) calls B over real HTTP through one method that carries all five annotations. A also
 * calls B asynchronously ({@code /async}, a {@code CompletableFuture}) and reactively ({@code /reactive}, a
 * WebClient {@code Mono} with all five annotations, run through its policies per subscription), and through a
 * plain RestClient with no annotations at all ({@code /configured}), protected by
 * {@code resilience.http.clients.serviceBHttp} in application.yml alone.
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}

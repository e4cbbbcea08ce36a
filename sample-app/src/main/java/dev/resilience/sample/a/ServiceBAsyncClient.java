package dev.resilience.sample.a;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.timeout.TimeoutExceededException;

/**
 * Service A's asynchronous client for service B, over the JDK {@link HttpClient}: no thread waits for B. Its
 * futures stop the exchange when cancelled, so its timeout says {@code cancel-running-future: true} and a call
 * cut off by the deadline gives its bulkhead place back at once. Callers beyond the bulkhead's two places queue
 * for up to two seconds, holding no thread (see application.yml).
 */
@Service
public class ServiceBAsyncClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final Environment environment;
    private volatile URI hello;

    public ServiceBAsyncClient(Environment environment) {
        this.environment = environment;
    }

    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        hello = URI.create(environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort()) + "/b");
    }

    @Timeout(name = "serviceBAsync")
    @Bulkhead(name = "serviceBAsync")
    @Fallback(method = "helloFallback")
    public CompletableFuture<String> hello() {
        return http.sendAsync(HttpRequest.newBuilder(hello).GET().build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> {
                    if (response.statusCode() >= 500) {
                        throw new ServiceUnavailableException(response.statusCode(), null);
                    }
                    return response.body();
                });
    }

    private CompletableFuture<String> helloFallback(TimeoutExceededException timeout) {
        return CompletableFuture.completedFuture(
                "fallback: service B did not answer within " + timeout.duration().toMillis() + "ms");
    }

    private CompletableFuture<String> helloFallback(BulkheadFullException full) {
        return CompletableFuture.completedFuture("fallback: too many calls to service B waiting already");
    }

    private CompletableFuture<String> helloFallback(Throwable failure) {
        return CompletableFuture.completedFuture("fallback: service B failed (" + failure.getMessage() + ")");
    }
}

package dev.resilience.sample.a;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.timeout.TimeoutExceededException;

/** Service A's client for service B, protected by all five policies (configured in application.yml). */
@Service
public class ServiceBClient {

    private final RestClient.Builder builder;
    private final Environment environment;
    private volatile RestClient client;

    public ServiceBClient(RestClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    /** B runs in this same application unless {@code sample.service-b.base-url} points elsewhere. */
    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        String baseUrl = environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort());
        client = builder.baseUrl(baseUrl)
                .defaultStatusHandler(status -> status.is5xxServerError(), (request, response) -> {
                    String retryAfter = response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER);
                    throw new ServiceUnavailableException(response.getStatusCode().value(),
                            retryAfter == null ? null : Duration.ofSeconds(Long.parseLong(retryAfter.trim())));
                })
                .build();
    }

    @Retry(name = "serviceB")
    @CircuitBreaker(name = "serviceB")
    @Timeout(name = "serviceB")
    @Bulkhead(name = "serviceB")
    @Fallback(method = "helloFallback")
    public String hello() {
        Map<?, ?> body = client.get().uri("/b").retrieve().body(Map.class);
        return String.valueOf(body == null ? null : body.get("message"));
    }

    private String helloFallback(CircuitBreakerOpenException open) {
        return "fallback: service B is unavailable, circuit open for another "
                + open.remainingOpenTime().toSeconds() + "s";
    }

    private String helloFallback(TimeoutExceededException timeout) {
        return "fallback: service B did not answer within " + timeout.duration().toMillis() + "ms";
    }

    private String helloFallback(Throwable failure) {
        return "fallback: service B failed (" + failure.getMessage() + ")";
    }
}

package dev.resilience.sample.a;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Service;
import org.springframework.web.reactive.function.client.WebClient;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.timeout.TimeoutExceededException;

import reactor.core.publisher.Mono;

/**
 * Service A's reactive client for service B, over {@link WebClient}, protected by all five policies (instances
 * {@code serviceBReactive} in application.yml). The method runs once per call, to assemble the {@code Mono};
 * the policies act on its subscriptions: each subscription is one execution, a retry subscribes again (a new
 * HTTP request), the timeout cancels the subscription (the exchange stops and the bulkhead place is free at
 * once), and nothing waits on a thread, not even the wait between attempts.
 */
@Service
public class ServiceBReactiveClient {

    private final WebClient.Builder builder;
    private final Environment environment;
    private volatile WebClient client;

    /** {@code builder} is Boot's auto-configured one (a fresh copy for each injection point). */
    public ServiceBReactiveClient(WebClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    /** B runs in this same application unless {@code sample.service-b.base-url} points elsewhere. */
    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        String baseUrl = environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort());
        client = builder.baseUrl(baseUrl)
                .defaultStatusHandler(HttpStatusCode::is5xxServerError, response -> {
                    String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
                    return Mono.just(new ServiceUnavailableException(response.statusCode().value(),
                            retryAfter == null ? null : Duration.ofSeconds(Long.parseLong(retryAfter.trim()))));
                })
                .build();
    }

    @Retry(name = "serviceBReactive")
    @CircuitBreaker(name = "serviceBReactive")
    @Timeout(name = "serviceBReactive")
    @Bulkhead(name = "serviceBReactive")
    @Fallback(method = "helloFallback")
    public Mono<String> hello() {
        // Cold: nothing is sent until the policies subscribe, and every subscription sends a new request.
        return client.get().uri("/b").retrieve().bodyToMono(Map.class)
                .map(body -> String.valueOf(body.get("message")));
    }

    private Mono<String> helloFallback(CircuitBreakerOpenException open) {
        return Mono.just("fallback: service B is unavailable, circuit open for another "
                + open.remainingOpenTime().toSeconds() + "s");
    }

    private Mono<String> helloFallback(TimeoutExceededException timeout) {
        return Mono.just("fallback: service B did not answer within " + timeout.duration().toMillis() + "ms");
    }

    private Mono<String> helloFallback(Throwable failure) {
        return Mono.just("fallback: service B failed (" + failure.getMessage() + ")");
    }
}

package dev.resilience.sample.a;

import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Fallback;
import dev.resilience.core.bulkhead.BulkheadFullException;

/**
 * Service A's client for service B behind an adaptive bulkhead ({@code serviceBAdaptive} in application.yml,
 * {@code type: adaptive}): its limit follows B's latency, and {@code /actuator/bulkheads} shows it.
 */
@Service
public class ServiceBAdaptiveClient {

    private final RestClient.Builder builder;
    private final Environment environment;
    private volatile RestClient client;

    public ServiceBAdaptiveClient(RestClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        client = builder.baseUrl(environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort())).build();
    }

    @Bulkhead(name = "serviceBAdaptive")
    @Fallback(method = "helloFallback")
    public String hello() {
        Map<?, ?> body = client.get().uri("/b").retrieve().body(Map.class);
        return String.valueOf(body == null ? null : body.get("message"));
    }

    private String helloFallback(BulkheadFullException full) {
        return "fallback: " + full.maxConcurrentCalls() + " calls to B in flight already (the adaptive limit)";
    }
}

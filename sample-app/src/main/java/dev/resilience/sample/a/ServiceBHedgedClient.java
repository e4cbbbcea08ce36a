package dev.resilience.sample.a;

import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.Timeout;

/**
 * Service A's hedged client for service B: reading B's greeting is idempotent, so a slow answer gets a second
 * request beside it after the p95 of recent latency (300ms until 50 calls are measured), and the first answer
 * wins; the other request is interrupted. Each request has its own timeout (configured in application.yml).
 */
@Service
public class ServiceBHedgedClient {

    private final RestClient.Builder builder;
    private final Environment environment;
    private volatile RestClient client;

    public ServiceBHedgedClient(RestClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        client = builder.baseUrl(environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort())).build();
    }

    @Hedge(name = "serviceBHedged")
    @Timeout(name = "serviceBHedged")
    public String hello() {
        Map<?, ?> body = client.get().uri("/b").retrieve().body(Map.class);
        return String.valueOf(body == null ? null : body.get("message"));
    }
}

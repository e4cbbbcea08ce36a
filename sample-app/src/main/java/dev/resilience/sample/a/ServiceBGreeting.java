package dev.resilience.sample.a;

import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * B's greeting over a plain {@code RestClient}, unprotected: the annotated clients that show one policy each
 * ({@link ServiceBAdaptiveClient}, {@link ServiceBHedgedClient}) call it, so the policy is all they add. B's URL is
 * known once the server has started (its port is random in the tests).
 */
@Component
public class ServiceBGreeting {

    private final RestClient.Builder builder;
    private final Environment environment;
    private volatile RestClient client;

    public ServiceBGreeting(RestClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        client = builder.baseUrl(environment.getProperty("sample.service-b.base-url",
                "http://localhost:" + event.getWebServer().getPort())).build();
    }

    /** {@code GET /b}'s message. */
    public String fetch() {
        Map<?, ?> body = client.get().uri("/b").retrieve().body(Map.class);
        return String.valueOf(body == null ? null : body.get("message"));
    }
}

package dev.resilience.sample.a;

import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

/**
 * Service A's client for service B protected by configuration alone: a plain {@link RestClient} from Boot's
 * builder, with no annotations and no status handler. Boot's builder carries the starter's interceptor, which
 * protects every request whose host a {@code resilience.http.clients} entry names; here that is
 * {@code serviceBHttp} ({@code hosts: [127.0.0.1]} in application.yml), with the policy instances of the same
 * name. A failure status (a 503, say) is retried and counted by the breaker; after the last attempt RestClient
 * throws what it always throws for it ({@code HttpServerErrorException}), and an open breaker, a timeout or a
 * full bulkhead reach the caller as our exceptions. {@code ServiceAController#helloConfigured()} turns them
 * into answers.
 *
 * <p>It calls B at {@code http://127.0.0.1:<port>}, while the annotated clients call
 * {@code http://localhost:<port>}, a host no client names: their requests pass the interceptor untouched, so
 * they are not protected twice.
 */
@Service
public class ServiceBHttpClient {

    private final RestClient.Builder builder;
    private final Environment environment;
    private volatile RestClient client;

    /** {@code builder} is Boot's auto-configured one (a fresh copy for each injection point). */
    public ServiceBHttpClient(RestClient.Builder builder, Environment environment) {
        this.builder = builder;
        this.environment = environment;
    }

    /**
     * B runs in this same application unless {@code sample.service-b.http-base-url} points elsewhere (then name
     * that host under {@code resilience.http.clients.serviceBHttp.hosts}, or its requests go unprotected).
     */
    @EventListener
    public void onServerStarted(WebServerInitializedEvent event) {
        String baseUrl = environment.getProperty("sample.service-b.http-base-url",
                "http://127.0.0.1:" + event.getWebServer().getPort());
        client = builder.baseUrl(baseUrl).build();
    }

    /** B's message; throws what RestClient throws, or what the policies throw (see the class comment). */
    public String hello() {
        Map<?, ?> body = client.get().uri("/b").retrieve().body(Map.class);
        return String.valueOf(body == null ? null : body.get("message"));
    }
}

package dev.resilience.spring.http;

import java.io.IOException;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Protects {@code RestClient} and {@code RestTemplate} requests. It goes first among the interceptors, so each
 * retry runs the interceptors after it again (auth headers, tracing): each attempt is a complete request.
 */
final class ResilienceRequestInterceptor implements ClientHttpRequestInterceptor {

    private final ResilienceHttpClients clients;
    /** The client for every request (an HTTP service group's, or one asked for by name), else by host. */
    private final ProtectedHttpClient fixed;

    ResilienceRequestInterceptor(ResilienceHttpClients clients, ProtectedHttpClient fixed) {
        this.clients = clients;
        this.fixed = fixed;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        ProtectedHttpClient client = fixed != null ? fixed : clients.forUri(request.getURI());
        if (client == null) {
            return execution.execute(request, body);
        }
        return SyncExchange.execute(client, request, body, execution);
    }

    @Override
    public String toString() {
        return "ResilienceRequestInterceptor[" + (fixed != null ? fixed.name : "by host") + "]";
    }
}

package dev.resilience.spring.http;

import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;

/**
 * Switches off Apache HttpClient 5's own retries in Boot's request factory when some HTTP client is
 * protected: our retry decides, and each of our attempts is one request.
 */
final class ApacheRetriesOff
        implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> {

    private final ResilienceHttpClients clients;

    ApacheRetriesOff(ResilienceHttpClients clients) {
        this.clients = clients;
    }

    @Override
    public HttpComponentsClientHttpRequestFactoryBuilder customize(HttpComponentsClientHttpRequestFactoryBuilder builder) {
        if (clients.names().isEmpty()) {
            return builder;
        }
        return builder.withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries);
    }
}

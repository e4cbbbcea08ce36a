package dev.resilience.spring.http;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/** An application with Boot's HTTP client builders and the starter, as a user's would be. */
final class HttpClientsTestSupport {

    private HttpClientsTestSupport() {
    }

    static ApplicationContextRunner runner() {
        return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
                ResilienceAutoConfiguration.class, ResilienceHttpClientsAutoConfiguration.class,
                HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
                ReactiveHttpClientAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class,
                RestClientAutoConfiguration.class, RestTemplateAutoConfiguration.class,
                WebClientAutoConfiguration.class))
                // Each context's Reactor Netty resources would otherwise wait 2 s for quiet on shutdown.
                .withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");
    }
}

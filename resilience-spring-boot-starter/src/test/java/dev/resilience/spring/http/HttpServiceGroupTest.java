package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;

import org.junit.jupiter.api.AfterEach;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.service.HttpServiceClientPropertiesAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.service.HttpServiceClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.service.ReactiveHttpServiceClientAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.HttpServiceGroup;
import org.springframework.web.service.registry.ImportHttpServices;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * HTTP service groups ({@code @ImportHttpServices}) with their base URL from Boot's
 * {@code spring.http.serviceclient.<group>.base-url}: a group named like a client under
 * {@code resilience.http.clients} gets that client for all its requests, whatever the host, whether the group
 * is backed by a {@code RestClient} or a {@code WebClient}; any other group is left to the host rules.
 */
class HttpServiceGroupTest {

    private static final Duration VERIFY = Duration.ofSeconds(10);

    interface InventoryApi {
        @GetExchange("/stock")
        String stock();

        @PostExchange("/orders")
        String order();
    }

    interface CatalogApi {
        @GetExchange("/items")
        String items();
    }

    interface ReactiveInventoryApi {
        @GetExchange("/stock")
        Mono<String> stock();

        @PostExchange("/orders")
        Mono<String> order();
    }

    interface ReactiveCatalogApi {
        @GetExchange("/items")
        Mono<String> items();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportHttpServices(group = "inventory", types = InventoryApi.class)
    @ImportHttpServices(group = "catalog", types = CatalogApi.class)
    static class RestClientGroups {
    }

    @Configuration(proxyBeanMethods = false)
    @ImportHttpServices(group = "inventory", types = ReactiveInventoryApi.class,
            clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
    @ImportHttpServices(group = "catalog", types = ReactiveCatalogApi.class,
            clientType = HttpServiceGroup.ClientType.WEB_CLIENT)
    static class WebClientGroups {
    }

    /**
     * The request factory of the RestClient-backed groups, chosen through Boot's property. Apache HttpClient 5
     * retries a 429 or 503 once by itself unless told not to (its default retry strategy, which Boot leaves on),
     * so with it the application turns that off, as it must for any protected client: else each of our attempts
     * may be two requests, the second after a second's wait that runs into the timeout.
     */
    enum Factory {
        JDK, HTTP_COMPONENTS
    }

    private final TestHttpServer server = newServer();

    private static TestHttpServer newServer() {
        try {
            return new TestHttpServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Both groups on the test server; the client {@code inventory} names no host. The real clock, with short
     * waits and long deadlines: what is under test is which client protects which request, not the time (the
     * first request of a JVM through Reactor Netty can take more than the default second, and an attempt that
     * times out before it is sent would not reach the server).
     */
    private ApplicationContextRunner runner(Class<?> groups) {
        return HttpClientsTestSupport.runner()
                .withConfiguration(AutoConfigurations.of(HttpServiceClientPropertiesAutoConfiguration.class,
                        HttpServiceClientAutoConfiguration.class, ReactiveHttpServiceClientAutoConfiguration.class))
                .withUserConfiguration(groups)
                .withPropertyValues(
                        "spring.http.serviceclient.inventory.base-url=" + server.url(),
                        "spring.http.serviceclient.catalog.base-url=" + server.url(),
                        "resilience.http.clients.inventory.retry-non-idempotent=false", // the client, no hosts
                        "resilience.retry.instances.inventory.max-attempts=3",
                        "resilience.retry.instances.inventory.wait-duration=10ms",
                        "resilience.timeout.instances.inventory.duration=30s",
                        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=100");
    }

    /** As {@link #runner}, for the RestClient-backed groups on {@code factory}. */
    private ApplicationContextRunner runner(Factory factory) {
        ApplicationContextRunner runner = runner(RestClientGroups.class).withPropertyValues(
                "spring.http.clients.imperative.factory=" + factory.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        if (factory == Factory.HTTP_COMPONENTS) {
            runner = runner.withBean(NoApacheRetries.class, NoApacheRetries::new);
        }
        return runner;
    }

    static class NoApacheRetries
            implements ClientHttpRequestFactoryBuilderCustomizer<HttpComponentsClientHttpRequestFactoryBuilder> {
        @Override
        public HttpComponentsClientHttpRequestFactoryBuilder customize(
                HttpComponentsClientHttpRequestFactoryBuilder builder) {
            return builder.withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries);
        }
    }

    /** As {@link #runner}, with a second client, {@code edge}, whose hosts name the test server. */
    private ApplicationContextRunner runnerWithEdgeNamingTheHost(ApplicationContextRunner runner) {
        return runner.withPropertyValues(
                "resilience.http.clients.edge.hosts[0]=127.0.0.1:" + server.port(),
                "resilience.retry.instances.edge.max-attempts=2",
                "resilience.retry.instances.edge.wait-duration=10ms",
                "resilience.timeout.instances.edge.duration=30s",
                "resilience.circuitbreaker.instances.edge.minimum-number-of-calls=100");
    }

    private static CircuitBreaker breaker(ApplicationContext context, String name) {
        return context.getBean(CircuitBreakerRegistry.class).instance(name);
    }

    private static long calls(CircuitBreaker breaker) {
        return breaker.successfulCalls() + breaker.failedCalls();
    }

    // RestClient-backed groups

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRestClientGroupNamedLikeAClientIsRetriedWithoutHosts(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.status(503),
                TestHttpServer.Answer.ok("in stock"));
        runner(factory).run(context -> {
            assertThat(context.getBean(InventoryApi.class).stock()).isEqualTo("in stock");

            assertThat(server.requests()).isEqualTo(3);
            assertThat(server.received()).extracting(TestHttpServer.Received::path)
                    .containsExactly("/stock", "/stock", "/stock");
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(2);
            assertThat(breaker(context, "inventory").successfulCalls()).isEqualTo(1);
            assertThat(context.getBean(RetryRegistry.class).instance("inventory").successfulWithRetry())
                    .isEqualTo(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRestClientGroupAfterTheLastAttemptThrowsWhatTheClientWould(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503));
        runner(factory).run(context -> {
            assertThatThrownBy(() -> context.getBean(InventoryApi.class).stock())
                    .isInstanceOfSatisfying(HttpServerErrorException.ServiceUnavailable.class,
                            error -> assertThat(error.getResponseBodyAsString()).isEqualTo("status 503"));

            assertThat(server.requests()).isEqualTo(3);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(3);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRestClientGroupKeepsTheClientsRulesForAPost(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503));
        runner(factory).run(context -> {
            assertThatThrownBy(() -> context.getBean(InventoryApi.class).order())
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);

            assertThat(server.requests()).as("a POST is not sent again").isEqualTo(1);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRestClientGroupNoClientNamesPassesUntouched(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503));
        runner(factory).run(context -> {
            assertThatThrownBy(() -> context.getBean(CatalogApi.class).items())
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);

            assertThat(server.requests()).isEqualTo(1);
            assertThat(calls(breaker(context, "inventory"))).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRestClientGroupNamedLikeAClientIsProtectedOnceEvenWhenAnotherClientNamesItsHost(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503));
        runnerWithEdgeNamingTheHost(runner(factory)).run(context -> {
            // The host rule is in force: a RestClient from Boot's builder, and the group no client names, get edge.
            RestClient plain = context.getBean(RestClient.Builder.class).baseUrl(server.url()).build();
            assertThatThrownBy(() -> plain.get().uri("/plain").retrieve().body(String.class))
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
            assertThatThrownBy(() -> context.getBean(CatalogApi.class).items())
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
            assertThat(server.requests()).as("edge's two attempts, twice").isEqualTo(4);
            assertThat(breaker(context, "edge").failedCalls()).isEqualTo(4);

            assertThatThrownBy(() -> context.getBean(InventoryApi.class).stock())
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);

            assertThat(server.requests() - 4).as("inventory's three attempts, each sent once").isEqualTo(3);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(3);
            assertThat(calls(breaker(context, "edge"))).as("edge saw none of the group's requests").isEqualTo(4);
        });
    }

    // WebClient-backed groups

    @Test
    void aWebClientGroupNamedLikeAClientIsRetriedWithoutHosts() {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.status(503),
                TestHttpServer.Answer.ok("in stock"));
        runner(WebClientGroups.class).run(context -> {
            StepVerifier.create(context.getBean(ReactiveInventoryApi.class).stock())
                    .expectNext("in stock")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(3);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(2);
            assertThat(breaker(context, "inventory").successfulCalls()).isEqualTo(1);
        });
    }

    @Test
    void aWebClientGroupAfterTheLastAttemptFailsAsWebClientWould() {
        server.answer(TestHttpServer.Answer.status(503));
        runner(WebClientGroups.class).run(context -> {
            StepVerifier.create(context.getBean(ReactiveInventoryApi.class).stock())
                    .expectErrorSatisfies(error -> assertThat(error)
                            .isInstanceOfSatisfying(WebClientResponseException.ServiceUnavailable.class,
                                    failure -> assertThat(failure.getResponseBodyAsString()).isEqualTo("status 503")))
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(3);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(3);
        });
    }

    @Test
    void aWebClientGroupKeepsTheClientsRulesForAPost() {
        server.answer(TestHttpServer.Answer.status(503));
        runner(WebClientGroups.class).run(context -> {
            StepVerifier.create(context.getBean(ReactiveInventoryApi.class).order())
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);

            assertThat(server.requests()).as("a POST is not sent again").isEqualTo(1);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(1);
        });
    }

    @Test
    void aWebClientGroupNoClientNamesPassesUntouched() {
        server.answer(TestHttpServer.Answer.status(503));
        runner(WebClientGroups.class).run(context -> {
            StepVerifier.create(context.getBean(ReactiveCatalogApi.class).items())
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(1);
            assertThat(calls(breaker(context, "inventory"))).isZero();
        });
    }

    @Test
    void aWebClientGroupNamedLikeAClientIsProtectedOnceEvenWhenAnotherClientNamesItsHost() {
        server.answer(TestHttpServer.Answer.status(503));
        runnerWithEdgeNamingTheHost(runner(WebClientGroups.class)).run(context -> {
            // The host rule is in force: a WebClient from Boot's builder, and the group no client names, get edge.
            WebClient plain = context.getBean(WebClient.Builder.class).baseUrl(server.url()).build();
            StepVerifier.create(plain.get().uri("/plain").retrieve().bodyToMono(String.class))
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);
            StepVerifier.create(context.getBean(ReactiveCatalogApi.class).items())
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);
            assertThat(server.requests()).as("edge's two attempts, twice").isEqualTo(4);
            assertThat(breaker(context, "edge").failedCalls()).isEqualTo(4);

            StepVerifier.create(context.getBean(ReactiveInventoryApi.class).stock())
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);

            assertThat(server.requests() - 4).as("inventory's three attempts, each sent once").isEqualTo(3);
            assertThat(breaker(context, "inventory").failedCalls()).isEqualTo(3);
            assertThat(calls(breaker(context, "edge"))).as("edge saw none of the group's requests").isEqualTo(4);
        });
    }
}

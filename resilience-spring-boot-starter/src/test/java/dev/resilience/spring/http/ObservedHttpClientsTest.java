package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import reactor.test.StepVerifier;

/**
 * With an {@code ObservationRegistry}, each request through a protected HTTP client is one
 * {@code resilience.call} observation named after the client, its retries events on it; RestClient and
 * WebClient alike, against a real server on 127.0.0.1.
 */
class ObservedHttpClientsTest {

    private final TestHttpServer server = newServer();
    private final TestObservationRegistry registry = TestObservationRegistry.create();

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

    private ApplicationContextRunner runner() {
        return HttpClientsTestSupport.runner()
                .withBean(ObservationRegistry.class, () -> registry)
                .withPropertyValues(
                        "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                        "resilience.retry.instances.inventory.max-attempts=3",
                        "resilience.retry.instances.inventory.wait-duration=0ms",
                        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=100");
    }

    @Test
    void aRestClientRequestRetriedOnceIsOneSuccessfulObservationWithARetryEvent() {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.ok("in stock"));
        runner().run(context -> {
            RestClient client = context.getBean(RestClient.Builder.class).baseUrl(server.url()).build();

            assertThat(client.get().uri("/stock").retrieve().body(String.class)).isEqualTo("in stock");

            assertThat(server.requests()).isEqualTo(2);
            TestObservationRegistryAssert.assertThat(registry)
                    .hasNumberOfObservationsWithNameEqualTo("resilience.call", 1)
                    .hasObservationWithNameEqualTo("resilience.call").that()
                    .hasContextualNameEqualTo("resilience inventory")
                    .hasLowCardinalityKeyValue("name", "inventory")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasEvent("retry", "retry inventory: attempt 1 failed, next in 0ms (HttpFailureStatusException)")
                    .doesNotHaveError()
                    .hasBeenStopped();
        });
    }

    @Test
    void aRestClientRequestThatKeepsFailingIsAFailureWithTheLastStatus() {
        server.answer(TestHttpServer.Answer.status(503));
        runner().run(context -> {
            RestClient client = context.getBean(RestClient.Builder.class).baseUrl(server.url()).build();

            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);

            TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("resilience.call")
                    .that()
                    .hasLowCardinalityKeyValue("outcome", "failure")
                    .hasEvent("retry", "retry inventory: attempt 2 failed, next in 0ms (HttpFailureStatusException)")
                    .assertThatError().isInstanceOfSatisfying(HttpFailureStatusException.class,
                            failure -> assertThat(failure.status()).isEqualTo(503));
        });
    }

    @Test
    void aRestClientRequestRejectedByTheOpenBreakerIsRejected() {
        runner().run(context -> {
            context.getBean(CircuitBreakerRegistry.class).instance("inventory").transitionTo(CircuitBreaker.State.OPEN);
            RestClient client = context.getBean(RestClient.Builder.class).baseUrl(server.url()).build();

            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                    .isInstanceOf(CircuitBreakerOpenException.class);

            assertThat(server.requests()).isZero();
            TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("resilience.call")
                    .that()
                    .hasLowCardinalityKeyValue("outcome", "rejected")
                    .hasEvent("rejected", "rejected by circuitbreaker inventory");
        });
    }

    @Test
    void aWebClientRequestRetriedOnceIsOneSuccessfulObservationWithARetryEvent() {
        server.answer(TestHttpServer.Answer.status(502), TestHttpServer.Answer.ok("in stock"));
        runner().run(context -> {
            WebClient client = context.getBean(WebClient.Builder.class).baseUrl(server.url()).build();

            StepVerifier.create(client.get().uri("/stock").retrieve().bodyToMono(String.class))
                    .expectNext("in stock").expectComplete().verify(Duration.ofSeconds(10));

            assertThat(server.requests()).isEqualTo(2);
            TestObservationRegistryAssert.assertThat(registry)
                    .hasNumberOfObservationsWithNameEqualTo("resilience.call", 1)
                    .hasObservationWithNameEqualTo("resilience.call").that()
                    .hasLowCardinalityKeyValue("name", "inventory")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasEvent("retry", "retry inventory: attempt 1 failed, next in 0ms (HttpFailureStatusException)")
                    .hasBeenStopped();
        });
    }

    @Test
    void withoutARegistryTheClientsAreNotObserved() {
        HttpClientsTestSupport.runner()
                .withPropertyValues("resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port())
                .run(context -> {
                    ProtectedHttpClient client = context.getBean(ResilienceHttpClients.class).named("inventory");
                    assertThat(client.observedOnce).isNull();
                    assertThat(client.observedRetrying).isNull();
                });
    }
}

package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;

/**
 * A {@code RestClient} from Boot's builder, protected by configuration alone, against real servers on
 * 127.0.0.1, with the JDK's and Apache HttpClient 5's request factories.
 */
class RestClientProtectionTest {

    enum Factory {
        JDK(JdkClientHttpRequestFactory::new),
        APACHE(() -> new HttpComponentsClientHttpRequestFactory(
                org.apache.hc.client5.http.impl.classic.HttpClients.custom().disableAutomaticRetries().build()));

        private final Supplier<ClientHttpRequestFactory> factory;

        Factory(Supplier<ClientHttpRequestFactory> factory) {
            this.factory = factory;
        }
    }

    private final TestHttpServer server = newServer();
    private final ManualClock clock = new ManualClock();

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

    private ApplicationContextRunner runner(int port) {
        return HttpClientsTestSupport.runner()
                .withBean(ManualClock.class, () -> clock)
                .withPropertyValues(
                        "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + port,
                        "resilience.retry.instances.inventory.max-attempts=3",
                        "resilience.retry.instances.inventory.wait-duration=100ms",
                        "resilience.retry.instances.inventory.max-wait-duration=30s",
                        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=100");
    }

    private static RestClient client(org.springframework.context.ApplicationContext context, Factory factory,
            String baseUrl) {
        return context.getBean(RestClient.Builder.class).requestFactory(factory.factory.get()).baseUrl(baseUrl)
                .build();
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aServerErrorIsRetriedAndAfterTheLastAttemptTheCallerSeesWhatTheClientThrows(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503).withHeader("X-Trace", "t1"));
        runner(server.port()).run(context -> {
            RestClient client = client(context, factory, server.url());

            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                    .isInstanceOfSatisfying(HttpServerErrorException.ServiceUnavailable.class, error -> {
                        assertThat(error.getResponseBodyAsString()).isEqualTo("status 503");
                        assertThat(error.getResponseHeaders().getFirst("X-Trace")).isEqualTo("t1");
                    });

            assertThat(server.requests()).isEqualTo(3);
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            assertThat(breaker.failedCalls()).as("each attempt counts").isEqualTo(3);
            assertThat(context.getBean(RetryRegistry.class).instance("inventory").failedWithRetry()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aServerErrorThenSuccessReturnsTheSuccess(Factory factory) {
        server.answer(TestHttpServer.Answer.status(502), TestHttpServer.Answer.ok("in stock"));
        runner(server.port()).run(context -> {
            assertThat(client(context, factory, server.url()).get().uri("/stock").retrieve().body(String.class))
                    .isEqualTo("in stock");
            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void retryAfterInSecondsSetsTheWait(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503).withHeader("Retry-After", "7"), TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            assertThat(client(context, factory, server.url()).get().uri("/").retrieve().body(String.class))
                    .isEqualTo("ok");
            assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void retryAfterAsAnHttpDateSetsTheWait(Factory factory) {
        String inTwelveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(clock.currentTimeMillis()).plusSeconds(12).atOffset(ZoneOffset.UTC));
        server.answer(TestHttpServer.Answer.status(429).withHeader("Retry-After", inTwelveSeconds),
                TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            assertThat(client(context, factory, server.url()).get().uri("/").retrieve().body(String.class))
                    .isEqualTo("ok");
            assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(12));
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aTooManyRequestsIsRetried(Factory factory) {
        server.answer(TestHttpServer.Answer.status(429), TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            assertThat(client(context, factory, server.url()).get().uri("/").retrieve().body(String.class))
                    .isEqualTo("ok");
            assertThat(server.requests()).isEqualTo(2);
            assertThat(clock.slept()).as("the retry's own wait").isEqualTo(Duration.ofMillis(100));
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aNotFoundIsAnAnswerNotRetriedAndNotAFailure(Factory factory) {
        server.answer(TestHttpServer.Answer.status(404));
        runner(server.port()).run(context -> {
            assertThatThrownBy(() -> client(context, factory, server.url()).get().uri("/").retrieve()
                    .body(String.class)).isInstanceOf(HttpClientErrorException.NotFound.class);
            assertThat(server.requests()).isEqualTo(1);
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            assertThat(breaker.successfulCalls()).isEqualTo(1);
            assertThat(breaker.failedCalls()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aPostIsNotRetriedButCounted(Factory factory) {
        server.answer(TestHttpServer.Answer.status(500));
        runner(server.port()).run(context -> {
            assertThatThrownBy(() -> client(context, factory, server.url()).post().uri("/orders").body("{}")
                    .retrieve().body(String.class)).isInstanceOf(HttpServerErrorException.InternalServerError.class);
            assertThat(server.requests()).isEqualTo(1);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory").failedCalls())
                    .isEqualTo(1);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aPostWithAnIdempotencyKeyIsRetried(Factory factory) {
        server.answer(TestHttpServer.Answer.status(500), TestHttpServer.Answer.ok("created"));
        runner(server.port()).run(context -> {
            assertThat(client(context, factory, server.url()).post().uri("/orders").header("Idempotency-Key", "k-1")
                    .body("{}").retrieve().body(String.class)).isEqualTo("created");
            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aPostIsRetriedWhenTheClientAllowsIt(Factory factory) {
        server.answer(TestHttpServer.Answer.status(500), TestHttpServer.Answer.ok("created"));
        runner(server.port()).withPropertyValues("resilience.http.clients.inventory.retry-non-idempotent=true")
                .run(context -> {
                    assertThat(client(context, factory, server.url()).post().uri("/orders").body("{}").retrieve()
                            .body(String.class)).isEqualTo("created");
                    assertThat(server.requests()).isEqualTo(2);
                });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRefusedConnectionIsRetriedAndTheCallerSeesTheClientsException(Factory factory) throws IOException {
        int refused = TestHttpServer.refusedPort();
        runner(refused).run(context -> {
            assertThatThrownBy(() -> client(context, factory, "http://127.0.0.1:" + refused).get().uri("/")
                    .retrieve().body(String.class)).isInstanceOf(ResourceAccessException.class)
                    .hasCauseInstanceOf(ConnectException.class);
            Retry retry = context.getBean(RetryRegistry.class).instance("inventory");
            assertThat(retry.failedWithRetry()).isEqualTo(1);
            assertThat(clock.slept()).as("two waits of 100 ms").isEqualTo(Duration.ofMillis(200));
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory").failedCalls())
                    .isEqualTo(3);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aResetConnectionIsRetried(Factory factory) throws IOException {
        try (TestHttpServer.Resetting resetting = new TestHttpServer.Resetting()) {
            runner(resetting.port()).run(context -> {
                assertThatThrownBy(() -> client(context, factory, "http://127.0.0.1:" + resetting.port()).get()
                        .uri("/").retrieve().body(String.class)).isInstanceOf(ResourceAccessException.class);
                // The JDK client itself sends an idempotent request once more when the connection is reset
                // before an answer: two connections per attempt of ours (the README says so).
                assertThat(resetting.connections()).as("connections for our three attempts")
                        .isEqualTo(factory == Factory.JDK ? 6 : 3);
                assertThat(context.getBean(RetryRegistry.class).instance("inventory").failedWithRetry())
                        .isEqualTo(1);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aRequestToAHostNoClientNamesPassesUntouched(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503));
        runner(TestHttpServer.refusedPortUnchecked()).run(context -> {
            assertThatThrownBy(() -> client(context, factory, server.url()).get().uri("/").retrieve()
                    .body(String.class)).isInstanceOf(HttpServerErrorException.class);
            assertThat(server.requests()).isEqualTo(1);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory").failedCalls()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void theApplicationsOwnInterceptorsRunForEveryAttempt(Factory factory) {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.status(503),
                TestHttpServer.Answer.ok("ok"));
        AtomicInteger counted = new AtomicInteger();
        runner(server.port()).run(context -> {
            RestClient client = context.getBean(RestClient.Builder.class).requestFactory(factory.factory.get())
                    .baseUrl(server.url()).requestInterceptor((request, body, execution) -> {
                        request.getHeaders().set("Authorization", "Bearer " + counted.incrementAndGet());
                        return execution.execute(request, body);
                    }).build();

            assertThat(client.get().uri("/").retrieve().body(String.class)).isEqualTo("ok");

            assertThat(counted).as("the user's interceptor ran once per attempt").hasValue(3);
            assertThat(server.received()).extracting(received -> received.headers().get("Authorization").get(0))
                    .containsExactly("Bearer 1", "Bearer 2", "Bearer 3");
        });
    }

    @org.junit.jupiter.api.Test
    void apacheHttpClientsOwnRetriesDoNotMultiplyOurAttempts() {
        // Boot picks Apache HttpClient 5 when it is on the class path; untouched, it would send each of our
        // attempts at a 503 twice.
        server.answer(TestHttpServer.Answer.status(503).withHeader("Retry-After", "0"));
        runner(server.port()).run(context -> {
            RestClient client = context.getBean(RestClient.Builder.class).baseUrl(server.url()).build();

            assertThatThrownBy(() -> client.get().retrieve().body(String.class))
                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);

            assertThat(server.requests()).as("our three attempts, one request each").isEqualTo(3);
        });
    }

    @ParameterizedTest
    @EnumSource(Factory.class)
    void aSlowResponseIsCutByTheTimeoutPerAttempt(Factory factory) {
        server.answer(TestHttpServer.Answer.ok("late").after(Duration.ofMillis(1500)));
        // The real clock: the deadline is the thing under test.
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                "resilience.http.clients.inventory.policies=timeout",
                "resilience.timeout.instances.inventory.duration=200ms").run(context -> {
                    RestClient client = client(context, factory, server.url());
                    long start = System.nanoTime();

                    assertThatThrownBy(() -> client.get().uri("/").retrieve().body(String.class))
                            .isInstanceOf(TimeoutExceededException.class);

                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    if (factory == Factory.JDK) {
                        assertThat(took).as("the JDK client is interrupted at the deadline")
                                .isLessThan(Duration.ofMillis(1200));
                    } else {
                        // A blocking socket read cannot be interrupted: the attempt fails when it returns.
                        assertThat(took).isLessThan(Duration.ofSeconds(10));
                    }
                });
    }
}

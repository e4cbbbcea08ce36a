package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;

import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * A {@code WebClient} from Boot's {@code WebClient.Builder} (Reactor Netty), protected by configuration alone,
 * against real servers on 127.0.0.1. The retries run on the reactive call style: their waits are scheduled on
 * the {@link ManualClock}, so each test lets them pass, and checks that no attempt starts before its wait is
 * over.
 */
class WebClientProtectionTest {

    private static final Duration VERIFY = Duration.ofSeconds(10);
    private static final Duration RETRY_WAIT = Duration.ofMillis(100);

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
                        "resilience.retry.instances.inventory.wait-duration=" + RETRY_WAIT.toMillis() + "ms",
                        "resilience.retry.instances.inventory.max-wait-duration=30s",
                        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=100");
    }

    private static WebClient client(ApplicationContext context, String baseUrl) {
        return context.getBean(WebClient.Builder.class).baseUrl(baseUrl).build();
    }

    private static CircuitBreaker breaker(ApplicationContext context) {
        return context.getBean(CircuitBreakerRegistry.class).instance("inventory");
    }

    private static Retry retry(ApplicationContext context) {
        return context.getBean(RetryRegistry.class).instance("inventory");
    }

    /**
     * Lets the retry waits pass on the clock, one after each failed attempt: when attempt {@code n} has been
     * counted a failure by the breaker and the clock holds one task (the retry's wait: the attempt's deadline is
     * cancelled before the breaker records it), nothing more is sent until the clock has moved the whole wait,
     * and the next attempt goes out as soon as it has.
     */
    private void passRetryWaits(CircuitBreaker breaker, IntSupplier attempts, Duration... waits) {
        for (int i = 0; i < waits.length; i++) {
            int failed = i + 1;
            await("attempt " + failed + " failed and its retry wait is on the clock").atMost(VERIFY)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> breaker.failedCalls() == failed && clock.pendingTasks() == 1);
            assertThat(attempts.getAsInt()).as("attempts before wait %d", failed).isEqualTo(failed);

            clock.advance(waits[i].minusMillis(1));
            await("no attempt " + (failed + 1) + " 1 ms before the end of a wait of " + waits[i])
                    .during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2))
                    .until(() -> attempts.getAsInt() == failed);
            assertThat(clock.pendingTasks()).as("the wait is still on the clock 1 ms before its end").isEqualTo(1);

            clock.advance(Duration.ofMillis(1));
            await("attempt " + (failed + 1) + " at the end of a wait of " + waits[i]).atMost(VERIFY)
                    .until(() -> attempts.getAsInt() == failed + 1);
        }
    }

    @Test
    void aServerErrorIsRetriedAndAfterTheLastAttemptTheCallerSeesWhatWebClientThrows() {
        server.answer(TestHttpServer.Answer.status(503).withHeader("X-Trace", "t1"));
        runner(server.port()).run(context -> {
            CircuitBreaker breaker = breaker(context);

            StepVerifier.create(client(context, server.url()).get().uri("/stock").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker, server::requests, RETRY_WAIT, RETRY_WAIT))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .isInstanceOfSatisfying(WebClientResponseException.ServiceUnavailable.class, failure -> {
                                assertThat(failure.getResponseBodyAsString()).isEqualTo("status 503");
                                assertThat(failure.getHeaders().getFirst("X-Trace")).isEqualTo("t1");
                            }))
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(3);
            assertThat(breaker.failedCalls()).as("each attempt counts").isEqualTo(3);
            assertThat(retry(context).failedWithRetry()).isEqualTo(1);
        });
    }

    @Test
    void aFailureWhoseBodyIsOverWebClientsBufferLimitIsStillAFailureStatusAndEndsAsWebClientWouldEndIt() {
        // 300 KB: over the codecs' default in-memory limit (256 KB), which WebClient applies reading the body.
        server.answer(new TestHttpServer.Answer(503, Map.of("Content-Type", "text/plain", "Retry-After", "3"),
                "x".repeat(300 * 1024), Duration.ZERO));
        runner(server.port()).run(context -> {
            CircuitBreaker breaker = breaker(context);

            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker, server::requests, Duration.ofSeconds(3),
                            Duration.ofSeconds(3)))
                    .expectErrorSatisfies(error -> assertThat(error)
                            .as("what WebClient throws without us: the status, without the body it could not read")
                            .isInstanceOfSatisfying(WebClientResponseException.ServiceUnavailable.class,
                                    failure -> assertThat(failure.getResponseBodyAsByteArray()).isEmpty()))
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(3);
            assertThat(breaker.failedCalls()).isEqualTo(3);
        });
    }

    @Test
    void theBuilderIsOnReactorNetty() {
        runner(server.port()).run(context -> assertThat(context.getBean(ClientHttpConnector.class))
                .as("the connector Boot gives WebClient.Builder").isInstanceOf(ReactorClientHttpConnector.class));
    }

    @Test
    void aServerErrorThenSuccessReturnsTheSuccess() {
        server.answer(TestHttpServer.Answer.status(502), TestHttpServer.Answer.ok("in stock"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/stock").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT))
                    .expectNext("in stock")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(2);
            assertThat(breaker(context).successfulCalls()).isEqualTo(1);
            assertThat(retry(context).successfulWithRetry()).isEqualTo(1);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = { 503, 429 })
    void retryAfterInSecondsSetsTheWait(int status) {
        server.answer(TestHttpServer.Answer.status(status).withHeader("Retry-After", "7"),
                TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, Duration.ofSeconds(7)))
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @ValueSource(ints = { 503, 429 })
    void retryAfterAsAnHttpDateSetsTheWait(int status) {
        String inTwelveSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.ofEpochMilli(clock.currentTimeMillis()).plusSeconds(12).atOffset(ZoneOffset.UTC));
        server.answer(TestHttpServer.Answer.status(status).withHeader("Retry-After", inTwelveSeconds),
                TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, Duration.ofSeconds(12)))
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @Test
    void aTooManyRequestsWithoutRetryAfterIsRetriedAfterTheRetrysOwnWait() {
        server.answer(TestHttpServer.Answer.status(429), TestHttpServer.Answer.ok("ok"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT))
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @Test
    void aNotFoundIsAnAnswerNotRetriedAndNotAFailure() {
        server.answer(TestHttpServer.Answer.status(404));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .expectError(WebClientResponseException.NotFound.class)
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(1);
            CircuitBreaker breaker = breaker(context);
            assertThat(breaker.successfulCalls()).isEqualTo(1);
            assertThat(breaker.failedCalls()).isZero();
            assertThat(clock.pendingTasks()).as("no retry waiting").isZero();
        });
    }

    @Test
    void aPostIsNotRetriedButCounted() {
        server.answer(TestHttpServer.Answer.status(500), TestHttpServer.Answer.ok("created"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).post().uri("/orders").bodyValue("{}").retrieve()
                            .bodyToMono(String.class))
                    .expectError(WebClientResponseException.InternalServerError.class)
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(1);
            assertThat(breaker(context).failedCalls()).isEqualTo(1);
            assertThat(clock.pendingTasks()).as("no retry waiting").isZero();
        });
    }

    @Test
    void aPostWithAnIdempotencyKeyIsRetried() {
        server.answer(TestHttpServer.Answer.status(500), TestHttpServer.Answer.ok("created"));
        runner(server.port()).run(context -> {
            StepVerifier.create(client(context, server.url()).post().uri("/orders").header("Idempotency-Key", "k-1")
                            .bodyValue("{}").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT))
                    .expectNext("created")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.received()).extracting(TestHttpServer.Received::method).containsExactly("POST", "POST");
        });
    }

    @Test
    void aPostIsRetriedWhenTheClientAllowsIt() {
        server.answer(TestHttpServer.Answer.status(500), TestHttpServer.Answer.ok("created"));
        runner(server.port()).withPropertyValues("resilience.http.clients.inventory.retry-non-idempotent=true")
                .run(context -> {
                    StepVerifier.create(client(context, server.url()).post().uri("/orders").bodyValue("{}")
                                    .retrieve().bodyToMono(String.class))
                            .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT))
                            .expectNext("created")
                            .expectComplete()
                            .verify(VERIFY);

                    assertThat(server.requests()).isEqualTo(2);
                });
    }

    @Test
    void aRefusedConnectionIsRetriedAndTheCallerSeesWhatWebClientThrows() throws IOException {
        int refused = TestHttpServer.refusedPort();
        runner(refused).run(context -> {
            CircuitBreaker breaker = breaker(context);

            StepVerifier.create(client(context, "http://127.0.0.1:" + refused).get().uri("/").retrieve()
                            .bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker, () -> (int) breaker.failedCalls(), RETRY_WAIT, RETRY_WAIT))
                    .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(WebClientRequestException.class)
                            .hasCauseInstanceOf(ConnectException.class))
                    .verify(VERIFY);

            assertThat(breaker.failedCalls()).isEqualTo(3);
            assertThat(retry(context).failedWithRetry()).isEqualTo(1);
        });
    }

    @Test
    void aResetConnectionIsRetried() throws IOException {
        try (TestHttpServer.Resetting resetting = new TestHttpServer.Resetting()) {
            runner(resetting.port()).run(context -> {
                CircuitBreaker breaker = breaker(context);

                StepVerifier.create(client(context, "http://127.0.0.1:" + resetting.port()).get().uri("/")
                                .retrieve().bodyToMono(String.class))
                        .then(() -> passRetryWaits(breaker, () -> (int) breaker.failedCalls(), RETRY_WAIT,
                                RETRY_WAIT))
                        .expectError(WebClientRequestException.class)
                        .verify(VERIFY);

                assertThat(resetting.connections()).as("connections for our three attempts").isEqualTo(3);
                assertThat(breaker.failedCalls()).isEqualTo(3);
                assertThat(retry(context).failedWithRetry()).isEqualTo(1);
            });
        }
    }

    @Test
    void aSlowResponseIsCutByTheTimeoutPerAttemptAndItsExchangeCancelled() {
        server.answer(TestHttpServer.Answer.ok("warm"),
                TestHttpServer.Answer.ok("late").after(Duration.ofMillis(1500)));
        AtomicInteger cancelled = new AtomicInteger();
        // The first request of a JVM through Reactor Netty may take longer than the deadline to go out: one
        // unprotected request first, so the timed one surely reaches the server before its deadline.
        assertThat(WebClient.create(server.url()).get().retrieve().bodyToMono(String.class).block(VERIFY))
                .isEqualTo("warm");
        // The real clock: the deadline is the thing under test.
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                "resilience.http.clients.inventory.policies=timeout",
                "resilience.timeout.instances.inventory.duration=200ms").run(context -> {
                    WebClient client = context.getBean(WebClient.Builder.class).baseUrl(server.url())
                            .filter((request, next) -> next.exchange(request).doOnCancel(cancelled::incrementAndGet))
                            .build();

                    Duration took = StepVerifier.create(client.get().uri("/").retrieve().bodyToMono(String.class))
                            .expectError(TimeoutExceededException.class)
                            .verify(VERIFY);

                    assertThat(took).as("failed at the deadline, not when the answer came")
                            .isLessThan(Duration.ofMillis(1200));
                    assertThat(cancelled).as("the exchange was cancelled at the deadline").hasValue(1);
                    assertThat(server.requests()).as("the warm-up and the timed request").isEqualTo(2);
                });
    }

    @Test
    void aRequestToAHostNoClientNamesPassesUntouched() {
        server.answer(TestHttpServer.Answer.status(503));
        runner(TestHttpServer.refusedPortUnchecked()).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .expectError(WebClientResponseException.ServiceUnavailable.class)
                    .verify(VERIFY);

            assertThat(server.requests()).isEqualTo(1);
            CircuitBreaker breaker = breaker(context);
            assertThat(breaker.failedCalls()).isZero();
            assertThat(breaker.successfulCalls()).isZero();
            assertThat(clock.pendingTasks()).isZero();
        });
    }

    @Test
    void theApplicationsOwnFiltersRunForEveryAttempt() {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.status(503),
                TestHttpServer.Answer.ok("ok"));
        AtomicInteger counted = new AtomicInteger();
        ExchangeFilterFunction authorization = (request, next) -> next.exchange(ClientRequest.from(request)
                .header("Authorization", "Bearer " + counted.incrementAndGet()).build());
        runner(server.port()).run(context -> {
            WebClient client = context.getBean(WebClient.Builder.class).baseUrl(server.url()).filter(authorization)
                    .build();

            StepVerifier.create(client.get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT, RETRY_WAIT))
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(counted).as("the application's filter ran once per attempt").hasValue(3);
            assertThat(server.received()).extracting(received -> received.headers().get("Authorization"))
                    .containsExactly(List.of("Bearer 1"), List.of("Bearer 2"), List.of("Bearer 3"));
        });
    }

    @Test
    void aFilterFromTheApplicationsOwnCustomizerRunsForEveryAttemptWhicheverCustomizerRunsFirst() {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.ok("ok"));
        AtomicInteger counted = new AtomicInteger();
        ExchangeFilterFunction authorization = (request, next) -> next.exchange(ClientRequest.from(request)
                .header("Authorization", "Bearer " + counted.incrementAndGet()).build());
        class FirstCustomizer implements WebClientCustomizer, Ordered {
            @Override
            public void customize(WebClient.Builder builder) {
                builder.filter(authorization);
            }

            @Override
            public int getOrder() {
                return Ordered.HIGHEST_PRECEDENCE; // before ours
            }
        }
        runner(server.port()).withBean(FirstCustomizer.class, FirstCustomizer::new).run(context -> {
            StepVerifier.create(client(context, server.url()).get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> passRetryWaits(breaker(context), server::requests, RETRY_WAIT))
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(counted).as("the application's filter ran once per attempt").hasValue(2);
            assertThat(server.received()).extracting(received -> received.headers().get("Authorization"))
                    .containsExactly(List.of("Bearer 1"), List.of("Bearer 2"));
        });
    }

    @Test
    void aBulkheadPlaceIsHeldDuringTheExchangeAndFreedAfter() {
        server.answer(TestHttpServer.Answer.ok("ok"));
        Sinks.Empty<Void> gate = Sinks.empty();
        runner(server.port()).run(context -> {
            Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("inventory");
            // The application's filter, inside ours, holds the response until the test lets it through.
            WebClient client = context.getBean(WebClient.Builder.class).baseUrl(server.url())
                    .filter((request, next) -> next.exchange(request).delayUntil(response -> gate.asMono()))
                    .build();

            StepVerifier.create(client.get().uri("/").retrieve().bodyToMono(String.class))
                    .then(() -> {
                        await().atMost(VERIFY).until(() -> server.requests() == 1);
                        assertThat(bulkhead.inFlightCalls()).as("held while the exchange is under way").hasSize(1);
                        assertThat(bulkhead.activeCalls()).isEqualTo(1);
                        gate.tryEmitEmpty();
                    })
                    .expectNext("ok")
                    .expectComplete()
                    .verify(VERIFY);

            assertThat(bulkhead.inFlightCalls()).as("freed after").isEmpty();
            assertThat(bulkhead.activeCalls()).isZero();
        });
    }

    @Test
    void aBulkheadPlaceIsFreedWhenTheSubscriberCancels() {
        server.answer(TestHttpServer.Answer.ok("late").after(Duration.ofSeconds(5)));
        AtomicInteger cancelled = new AtomicInteger();
        runner(server.port()).run(context -> {
            Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("inventory");
            WebClient client = context.getBean(WebClient.Builder.class).baseUrl(server.url())
                    .filter((request, next) -> next.exchange(request).doOnCancel(cancelled::incrementAndGet))
                    .build();

            Disposable subscription = client.get().uri("/").retrieve().bodyToMono(String.class).subscribe();
            await().atMost(VERIFY).until(() -> server.requests() == 1);
            assertThat(bulkhead.inFlightCalls()).as("held while the server is slow").hasSize(1);

            subscription.dispose();

            await().atMost(Duration.ofSeconds(2)).until(() -> bulkhead.inFlightCalls().isEmpty());
            assertThat(bulkhead.activeCalls()).isZero();
            assertThat(cancelled).as("the exchange itself was cancelled").hasValue(1);
            CircuitBreaker breaker = breaker(context);
            assertThat(breaker.successfulCalls() + breaker.failedCalls()).as("a cancellation counts nothing")
                    .isZero();
            assertThat(clock.pendingTasks()).as("no deadline and no retry left on the clock").isZero();
        });
    }
}

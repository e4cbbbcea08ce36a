package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.chaos.InjectedFaultException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.test.ManualClock;

import reactor.test.StepVerifier;

/**
 * Fault injection on an HTTP client: the client named X gets chaos instance X, right around the exchange. A
 * {@code status} answers an injected failure with a response of that status, which the client's HTTP rules
 * judge like any other (503: a failure, retried; no Retry-After); a delay waits on the caller's thread through
 * the clock (RestClient) or on the clock's timer (WebClient).
 */
class HttpChaosTest {

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

    private ApplicationContextRunner runner(String... chaos) {
        return HttpClientsTestSupport.runner()
                .withBean(ManualClock.class, () -> clock)
                .withPropertyValues(
                        "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                        "resilience.retry.instances.inventory.max-attempts=3",
                        "resilience.retry.instances.inventory.wait-duration=" + RETRY_WAIT.toMillis() + "ms",
                        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=100",
                        "resilience.chaos.enabled=true")
                .withPropertyValues(chaos);
    }

    private static RestClient restClient(ApplicationContext context, String baseUrl) {
        return context.getBean(RestClient.Builder.class).requestFactory(new JdkClientHttpRequestFactory())
                .baseUrl(baseUrl).build();
    }

    private static WebClient webClient(ApplicationContext context, String baseUrl) {
        return context.getBean(WebClient.Builder.class).baseUrl(baseUrl).build();
    }

    private static Chaos chaos(ApplicationContext context) {
        return context.getBean(ChaosRegistry.class).instance("inventory");
    }

    private static CircuitBreaker breaker(ApplicationContext context) {
        return context.getBean(CircuitBreakerRegistry.class).instance("inventory");
    }

    @Test
    void anInjected503IsRetriedByTheClientsRetryAndTheCallerSeesHttpServerErrorExceptionAfterTheLastAttempt() {
        runner("resilience.chaos.instances.inventory.fault-rate=1",
                "resilience.chaos.instances.inventory.status=503").run(context -> {
                    List<ResilienceEvent> breakerEvents = new CopyOnWriteArrayList<>();
                    breaker(context).events().onEvent(breakerEvents::add);

                    assertThatThrownBy(() -> restClient(context, server.url()).get().uri("/stock").retrieve()
                            .body(String.class))
                            .isInstanceOfSatisfying(HttpServerErrorException.ServiceUnavailable.class, error -> {
                                assertThat(error.getResponseBodyAsString()).isEqualTo("injected by chaos 'inventory'");
                                assertThat(error.getResponseHeaders().getFirst("Retry-After")).isNull();
                            });

                    assertThat(server.requests()).as("no request left").isZero();
                    assertThat(chaos(context).injectedFaults()).isEqualTo(3);
                    assertThat(breaker(context).failedCalls()).as("each injected 503 counts").isEqualTo(3);
                    assertThat(context.getBean(RetryRegistry.class).instance("inventory").failedWithRetry())
                            .isEqualTo(1);
                    assertThat(clock.slept()).as("the retry's own waits: no Retry-After").isEqualTo(
                            RETRY_WAIT.multipliedBy(2));
                    List<ResilienceEvent> errors = breakerEvents.stream()
                            .filter(event -> event.type() == EventType.ERROR).toList();
                    assertThat(errors).hasSize(3).allSatisfy(event -> {
                        assertThat(event.error()).isInstanceOf(HttpFailureStatusException.class);
                        assertThat(InjectedFaultException.isInjected(event.error())).as("marked as injected")
                                .isTrue();
                    });
                });
    }

    @Test
    void aRealFailureStatusIsNotMarkedAsInjected() {
        server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.ok("in stock"));
        runner("resilience.chaos.instances.inventory.fault-rate=0").run(context -> {
            List<ResilienceEvent> breakerEvents = new CopyOnWriteArrayList<>();
            breaker(context).events().onEvent(breakerEvents::add);

            assertThat(restClient(context, server.url()).get().uri("/stock").retrieve().body(String.class))
                    .isEqualTo("in stock");

            ResilienceEvent error = breakerEvents.stream().filter(event -> event.type() == EventType.ERROR)
                    .findFirst().orElseThrow();
            assertThat(InjectedFaultException.isInjected(error.error())).isFalse();
        });
    }

    @Test
    void withoutAStatusTheConfiguredExceptionIsThrownAndRetriedAsAnIoFailure() {
        runner("resilience.chaos.instances.inventory.fault-rate=1",
                "resilience.chaos.instances.inventory.exception=java.net.ConnectException").run(context -> {
                    assertThatThrownBy(() -> restClient(context, server.url()).get().uri("/stock").retrieve()
                            .body(String.class))
                            .isInstanceOf(ResourceAccessException.class)
                            .cause().isInstanceOf(ConnectException.class)
                            .satisfies(cause -> assertThat(InjectedFaultException.isInjected(cause)).isTrue());
                    assertThat(server.requests()).isZero();
                    assertThat(breaker(context).failedCalls()).isEqualTo(3);
                });
    }

    @Test
    void switchedOffAtRunTimeTheRequestsGoThroughAgain() {
        runner("resilience.chaos.instances.inventory.fault-rate=1",
                "resilience.chaos.instances.inventory.status=503").run(context -> {
                    chaos(context).enable(false);
                    assertThat(restClient(context, server.url()).get().uri("/stock").retrieve().body(String.class))
                            .isEqualTo("ok");
                    assertThat(server.requests()).isEqualTo(1);
                    assertThat(chaos(context).injectedFaults()).isZero();
                });
    }

    @Test
    void aClientWithoutAConfiguredInstanceHasNoChaos() {
        runner("resilience.chaos.instances.elsewhere.fault-rate=1").run(context -> {
            assertThat(context.getBean(ResilienceHttpClients.class).named("inventory").chaos).isNull();
            assertThat(restClient(context, server.url()).get().uri("/").retrieve().body(String.class))
                    .isEqualTo("ok");
        });
    }

    @Test
    void withChaosDisabledNoClientHasChaos() {
        runner("resilience.chaos.enabled=false", "resilience.chaos.instances.inventory.fault-rate=1",
                "resilience.chaos.instances.inventory.status=503").run(context -> {
                    assertThat(context.getBean(ResilienceHttpClients.class).named("inventory").chaos).isNull();
                    assertThat(restClient(context, server.url()).get().uri("/").retrieve().body(String.class))
                            .isEqualTo("ok");
                });
    }

    @Test
    void aRestClientRequestIsDelayedOnTheCallersThreadThroughTheClock() {
        runner("resilience.chaos.instances.inventory.latency=2s",
                "resilience.chaos.instances.inventory.latency-rate=1",
                "resilience.timeout.instances.inventory.duration=10s").run(context -> {
                    assertThat(restClient(context, server.url()).get().uri("/").retrieve().body(String.class))
                            .isEqualTo("ok");
                    assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(chaos(context).injectedLatencies()).isEqualTo(1);
                    assertThat(server.requests()).isEqualTo(1);
                });
    }

    @Test
    void anInjected503IsRetriedForAWebClientToo() {
        runner("resilience.chaos.instances.inventory.fault-rate=1",
                "resilience.chaos.instances.inventory.status=503").run(context -> {
                    CircuitBreaker breaker = breaker(context);
                    StepVerifier.create(webClient(context, server.url()).get().uri("/stock").retrieve()
                            .bodyToMono(String.class))
                            .then(() -> passRetryWaits(breaker, 2))
                            .expectErrorSatisfies(error -> assertThat(error)
                                    .isInstanceOfSatisfying(WebClientResponseException.ServiceUnavailable.class,
                                            failure -> assertThat(failure.getResponseBodyAsString())
                                                    .isEqualTo("injected by chaos 'inventory'")))
                            .verify(VERIFY);
                    assertThat(server.requests()).isZero();
                    assertThat(breaker.failedCalls()).isEqualTo(3);
                    assertThat(chaos(context).injectedFaults()).isEqualTo(3);
                });
    }

    /** Lets each retry wait pass on the clock once its attempt has failed and the wait is scheduled. */
    private void passRetryWaits(CircuitBreaker breaker, int waits) {
        for (int failed = 1; failed <= waits; failed++) {
            int attempts = failed;
            await().atMost(VERIFY).pollInterval(Duration.ofMillis(5))
                    .until(() -> breaker.failedCalls() == attempts && clock.pendingTasks() == 1);
            clock.advance(RETRY_WAIT);
        }
    }

    @Test
    void aWebClientRequestIsDelayedOnTheClocksTimerWithoutBlockingAThread() {
        runner("resilience.chaos.instances.inventory.latency=2s",
                "resilience.chaos.instances.inventory.latency-rate=1",
                "resilience.timeout.instances.inventory.duration=10s").run(context -> {
                    StepVerifier.create(webClient(context, server.url()).get().uri("/").retrieve()
                            .bodyToMono(String.class))
                            .then(() -> {
                                // The timeout's deadline (10 s) and the delay (2 s) are both on the clock.
                                await().atMost(VERIFY).until(() -> clock.pendingTasks() == 2);
                                clock.advance(Duration.ofSeconds(2).minusMillis(1));
                                await().during(Duration.ofMillis(150)).atMost(Duration.ofSeconds(2))
                                        .until(() -> server.requests() == 0);
                                clock.advance(Duration.ofMillis(1));
                            })
                            .expectNext("ok")
                            .expectComplete()
                            .verify(VERIFY);
                    assertThat(server.requests()).isEqualTo(1);
                    assertThat(clock.slept()).as("no thread slept").isZero();
                    assertThat(chaos(context).injectedLatencies()).isEqualTo(1);
                });
    }

    @Test
    void aWebClientDelayLongerThanTheTimeoutTimesOutAndIsCalledOff() {
        runner("resilience.chaos.instances.inventory.latency=2s",
                "resilience.chaos.instances.inventory.latency-rate=1",
                "resilience.timeout.instances.inventory.duration=1s",
                "resilience.retry.instances.inventory.max-attempts=1").run(context -> {
                    StepVerifier.create(webClient(context, server.url()).get().uri("/").retrieve()
                            .bodyToMono(String.class))
                            .then(() -> {
                                await().atMost(VERIFY).until(() -> clock.pendingTasks() == 2);
                                clock.advance(Duration.ofSeconds(1));
                            })
                            .expectError(TimeoutExceededException.class)
                            .verify(VERIFY);
                    assertThat(clock.pendingTasks()).as("the delay's timer is cancelled").isZero();
                    assertThat(server.requests()).isZero();
                    assertThat(breaker(context).failedCalls()).isEqualTo(1);
                });
    }
}

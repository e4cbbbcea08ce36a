package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestTemplate;

import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.test.ManualClock;

/** A {@code RestTemplate} from Boot's builder, protected by configuration alone. */
class RestTemplateProtectionTest {

    private final TestHttpServer server = TestHttpServers.start();

    @AfterEach
    void stop() {
        server.close();
    }

    private ApplicationContextRunner runner() {
        return HttpClientsTestSupport.runner()
                .withBean(ManualClock.class, ManualClock::new)
                .withPropertyValues(
                        "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                        "resilience.retry.instances.inventory.max-attempts=3",
                        "resilience.retry.instances.inventory.wait-duration=100ms");
    }

    private RestTemplate template(org.springframework.context.ApplicationContext context,
            AtomicInteger userInterceptorCalls) {
        return context.getBean(RestTemplateBuilder.class).requestFactory(JdkClientHttpRequestFactory::new)
                .rootUri(server.url()).additionalInterceptors((request, body, execution) -> {
                    userInterceptorCalls.incrementAndGet();
                    return execution.execute(request, body);
                }).build();
    }

    @Test
    void aServerErrorIsRetriedThroughTheApplicationsInterceptorsAndTheLastOneReachesTheCaller() {
        server.answer(TestHttpServer.Answer.status(503));
        AtomicInteger userInterceptorCalls = new AtomicInteger();
        runner().run(context -> {
            RestTemplate template = template(context, userInterceptorCalls);

            assertThatThrownBy(() -> template.getForObject("/stock", String.class))
                    .isInstanceOfSatisfying(HttpServerErrorException.ServiceUnavailable.class,
                            error -> assertThat(error.getResponseBodyAsString()).isEqualTo("status 503"));

            assertThat(server.requests()).isEqualTo(3);
            assertThat(userInterceptorCalls).as("the application's interceptor ran for every attempt").hasValue(3);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory").failedCalls())
                    .isEqualTo(3);
        });
    }

    @Test
    void aSuccessAfterAFailureReachesTheCaller() {
        server.answer(TestHttpServer.Answer.status(504), TestHttpServer.Answer.ok("in stock"));
        runner().run(context -> {
            assertThat(template(context, new AtomicInteger()).getForObject("/stock", String.class))
                    .isEqualTo("in stock");
            assertThat(server.requests()).isEqualTo(2);
        });
    }

    @Test
    void aNotFoundIsNotRetriedAndAPostIsNotRetried() {
        server.answer(TestHttpServer.Answer.status(404));
        runner().run(context -> {
            RestTemplate template = template(context, new AtomicInteger());
            assertThatThrownBy(() -> template.getForObject("/stock", String.class))
                    .isInstanceOf(HttpClientErrorException.NotFound.class);
            assertThat(server.requests()).isEqualTo(1);

            server.answer(TestHttpServer.Answer.status(500));
            assertThatThrownBy(() -> template.postForObject("/orders", "{}", String.class))
                    .isInstanceOf(HttpServerErrorException.InternalServerError.class);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory").successfulCalls())
                    .as("the 404").isEqualTo(1);
        });
    }
}

package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.actuate.BulkheadsEndpoint;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.metrics.ResilienceMeterBinder;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@code resilience.bulkhead.instances.<name>.type: adaptive} from yml: its settings, the HTTP integration's
 * 429/503 as overload, the limit in the endpoint and as a gauge, and bad values stopping start-up.
 */
class AdaptiveBulkheadConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void bindsAnAdaptiveInstanceWithItsSettings() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=adaptive",
                "resilience.bulkhead.instances.inventory.min-concurrent-calls=4",
                "resilience.bulkhead.instances.inventory.initial-concurrent-calls=12",
                "resilience.bulkhead.instances.inventory.max-concurrent-calls=80",
                "resilience.bulkhead.instances.inventory.alpha=2",
                "resilience.bulkhead.instances.inventory.beta=5",
                "resilience.bulkhead.instances.inventory.backoff-ratio=0.8",
                "resilience.bulkhead.instances.inventory.baseline-window=30s",
                "resilience.bulkhead.instances.inventory.overload-exceptions=java.lang.IllegalStateException")
                .run(context -> {
                    Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("inventory");
                    BulkheadConfig config = bulkhead.config();
                    assertThat(config.type()).isEqualTo(BulkheadConfig.Type.ADAPTIVE);
                    assertThat(config.minConcurrentCalls()).isEqualTo(4);
                    assertThat(config.initialConcurrentCalls()).isEqualTo(12);
                    assertThat(config.maxConcurrentCalls()).isEqualTo(80);
                    assertThat(config.alpha()).isEqualTo(2);
                    assertThat(config.beta()).isEqualTo(5);
                    assertThat(config.backoffRatio()).isEqualTo(0.8);
                    assertThat(config.baselineWindow()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(config.overloadExceptions()).containsExactly(IllegalStateException.class);
                    assertThat(bulkhead.limit()).isEqualTo(12);
                });
    }

    @Test
    void anAdaptiveInstanceDefaultsToOneToTwoHundredFromTheFixedDefaults() {
        runner.withPropertyValues("resilience.bulkhead.configs.default.max-wait-duration=10ms",
                "resilience.bulkhead.instances.inventory.type=adaptive").run(context -> {
                    BulkheadRegistry registry = context.getBean(BulkheadRegistry.class);
                    BulkheadConfig adaptive = registry.instance("inventory").config();
                    assertThat(adaptive.maxConcurrentCalls()).isEqualTo(200);
                    assertThat(adaptive.minConcurrentCalls()).isEqualTo(1);
                    assertThat(adaptive.initialConcurrentCalls()).isEqualTo(20);
                    assertThat(adaptive.maxWaitDuration()).isEqualTo(Duration.ofMillis(10));
                    assertThat(registry.instance("other").config().type()).isEqualTo(BulkheadConfig.Type.FIXED);
                    assertThat(registry.instance("other").config().maxConcurrentCalls()).isEqualTo(25);
                });
    }

    @Test
    void http429And503AreOverloadButOtherStatusesAreNot() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=adaptive").run(context -> {
            BulkheadRegistry registry = context.getBean(BulkheadRegistry.class);
            for (BulkheadConfig config : List.of(registry.instance("inventory").config(),
                    registry.instance("annotated-only").config())) {
                assertThat(config.isOverload(new HttpFailureStatusException("inventory", 429, null, null))).isTrue();
                assertThat(config.isOverload(new HttpFailureStatusException("inventory", 503, null, null, true)))
                        .isTrue();
                assertThat(config.isOverload(new HttpFailureStatusException("inventory", 500, null, null))).isFalse();
                assertThat(config.isOverload(new HttpFailureStatusException("inventory", 404, null, null))).isFalse();
                assertThat(config.isOverload(new SocketTimeoutException())).isTrue();
                assertThat(config.isOverload(new IOException())).isFalse();
            }
        });
    }

    @Test
    void a503ThroughTheBulkheadShrinksItsLimitAnd404DoesNot() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=adaptive",
                "resilience.bulkhead.instances.inventory.initial-concurrent-calls=50").run(context -> {
                    Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("inventory");
                    for (int i = 0; i < 50; i++) {
                        bulkhead.tryAcquire("Inventory.get")
                                .release(new HttpFailureStatusException("inventory", 404, null, null));
                    }
                    assertThat(bulkhead.limit()).isEqualTo(50);
                    for (int i = 0; i < 50; i++) {
                        bulkhead.tryAcquire("Inventory.get")
                                .release(new HttpFailureStatusException("inventory", 503, null, null));
                    }
                    assertThat(bulkhead.limit()).isLessThan(50);
                });
    }

    @Test
    void theEndpointAndTheGaugeShowTheLimitInForce() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=adaptive",
                "resilience.bulkhead.instances.inventory.initial-concurrent-calls=7").run(context -> {
                    BulkheadRegistry registry = context.getBean(BulkheadRegistry.class);
                    SimpleMeterRegistry meters = new SimpleMeterRegistry();
                    new ResilienceMeterBinder(new CircuitBreakerRegistry(), new RetryRegistry(), null,
                            new TimeoutRegistry(), registry, List.of()).bindTo(meters);
                    Bulkhead bulkhead = registry.instance("inventory");
                    Bulkhead.Permit inside = bulkhead.tryAcquire("Inventory.get");

                    @SuppressWarnings("unchecked")
                    Map<String, Object> view = (Map<String, Object>) ((Map<String, Object>) new BulkheadsEndpoint(
                            registry).bulkheads().get("bulkheads")).get("inventory");
                    assertThat(view).containsEntry("type", "adaptive").containsEntry("limit", 7)
                            .containsEntry("activeCalls", 1).containsEntry("maxConcurrentCalls", 200);
                    assertThat(meters.get("resilience.bulkhead.limit").tags("name", "inventory").gauge().value())
                            .isEqualTo(7.0);
                    inside.release();
                });
    }

    @Test
    void anInitialLimitOutsideTheBoundsStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=adaptive",
                "resilience.bulkhead.instances.inventory.max-concurrent-calls=50",
                "resilience.bulkhead.instances.inventory.initial-concurrent-calls=80").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidResilienceConfigException.class)
                            .hasMessage("resilience.bulkhead.instances.inventory.initial-concurrent-calls must be "
                                    + "between min-concurrent-calls (1) and max-concurrent-calls (50), but was 80");
                });
    }

    @Test
    void anUnknownTypeStopsStartUp() {
        runner.withPropertyValues("resilience.bulkhead.instances.inventory.type=elastic").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            while (failure != null && !(failure instanceof BindException)) {
                failure = failure.getCause();
            }
            assertThat(failure).isInstanceOf(BindException.class);
            BindException bind = (BindException) failure;
            assertThat(bind.getProperty().getName()).hasToString("resilience.bulkhead.instances.inventory.type");
            assertThat(bind.getProperty().getValue()).isEqualTo("elastic");
        });
    }

    @Test
    void theIdeMetadataDocumentsTheAdaptiveKeys() throws IOException {
        String metadata;
        try (var in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).isNotNull();
            metadata = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        for (String key : List.of("type", "min-concurrent-calls", "initial-concurrent-calls", "alpha", "beta",
                "backoff-ratio", "baseline-window", "overload-exceptions")) {
            assertThat(metadata).contains("\"resilience.bulkhead.configs.default." + key + "\"");
        }
    }

    @Test
    void a503Or429ThroughTheHttpIntegrationShrinksTheAdaptiveLimitAndA404DoesNot() throws Exception {
        try (TestHttpServer server = new TestHttpServer()) {
            HttpClientsTestSupport.runner().withPropertyValues(
                    "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                    "resilience.http.clients.inventory.policies=bulkhead",
                    "resilience.bulkhead.instances.inventory.type=adaptive",
                    "resilience.bulkhead.instances.inventory.initial-concurrent-calls=40").run(context -> {
                        RestClient client = context.getBean(RestClient.Builder.class)
                                .requestFactory(new JdkClientHttpRequestFactory()).baseUrl(server.url()).build();
                        Bulkhead bulkhead = context.getBean(BulkheadRegistry.class).instance("inventory");

                        server.answer(TestHttpServer.Answer.status(404));
                        for (int i = 0; i < 12; i++) {
                            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                                    .isInstanceOf(HttpClientErrorException.NotFound.class);
                        }
                        assertThat(bulkhead.limit()).as("a client error does not move it").isEqualTo(40);

                        server.answer(TestHttpServer.Answer.status(503));
                        for (int i = 0; i < 8; i++) {
                            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
                        }
                        int after503 = bulkhead.limit();
                        assertThat(after503).isLessThan(40);

                        server.answer(TestHttpServer.Answer.status(429));
                        for (int i = 0; i < 8; i++) {
                            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                                    .isInstanceOf(HttpClientErrorException.TooManyRequests.class);
                        }
                        assertThat(bulkhead.limit()).isLessThan(after503);
                        assertThat(bulkhead.activeCalls()).isZero();
                    });
        }
    }
}

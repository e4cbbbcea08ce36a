package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;

/** {@code resilience.http.clients}: what is checked at start-up, and what a client's settings change. */
class HttpClientsConfigurationTest {

    @Test
    void aHostWithASchemeOrAPathStopsStartUpNamingTheProperty() {
        HttpClientsTestSupport.runner()
                .withPropertyValues("resilience.http.clients.inventory.hosts[0]=https://inventory.internal/api")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(InvalidResilienceConfigException.class)
                            .hasMessage("resilience.http.clients.inventory.hosts[0] must be a host or host:port "
                                    + "such as inventory.internal:8443 (no scheme, no path), but was "
                                    + "'https://inventory.internal/api'");
                });
    }

    @Test
    void aHostClaimedByTwoClientsStopsStartUp() {
        assertHostClash("shared.internal:80", "SHARED.internal:80", "shared.internal:80");
    }

    @Test
    void aPortWrittenWithLeadingZerosIsThePortItNames() {
        assertHostClash("shared.internal:8080", "shared.internal:08080", "shared.internal:8080");
    }

    /** Start-up fails: pricing's host {@code pricingHost}, read as {@code named}, is inventory's too. */
    private static void assertHostClash(String inventoryHost, String pricingHost, String named) {
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=" + inventoryHost,
                "resilience.http.clients.pricing.hosts[0]=" + pricingHost).run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessage("resilience.http.clients.pricing.hosts[0] names " + named + ", which "
                                    + "resilience.http.clients.inventory.hosts names too: a host belongs to one "
                                    + "client");
                });
    }

    @Test
    void aRequestFindsItsClientByHostAndPortThenByTheHostAlone() {
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=Inventory.Internal:8443",
                "resilience.http.clients.pricing.hosts[0]=inventory.internal",
                "resilience.http.clients.legacy.hosts[0]=legacy.internal:080",
                "resilience.http.clients.legacy.hosts[1]=[::1]:8080").run(context -> {
                    ResilienceHttpClients clients = context.getBean(ResilienceHttpClients.class);

                    assertThat(clientFor(clients, "https://INVENTORY.internal:8443/stock")).isEqualTo("inventory");
                    assertThat(clientFor(clients, "https://inventory.internal/stock")).as("443, not 8443")
                            .isEqualTo("pricing");
                    assertThat(clientFor(clients, "http://inventory.internal:8080/")).isEqualTo("pricing");
                    assertThat(clientFor(clients, "http://legacy.internal/")).as("80 by default").isEqualTo("legacy");
                    assertThat(clientFor(clients, "https://legacy.internal/")).isNull();
                    assertThat(clientFor(clients, "http://[::1]:8080/")).isEqualTo("legacy");
                    assertThat(clientFor(clients, "http://[::1]:9090/")).isNull();
                    assertThat(clientFor(clients, "http://elsewhere.internal:8443/")).isNull();
                    assertThat(clientFor(clients, "/relative")).as("no host").isNull();
                });
    }

    private static String clientFor(ResilienceHttpClients clients, String uri) {
        ProtectedHttpClient client = clients.forUri(URI.create(uri));
        return client == null ? null : client.name;
    }

    @Test
    void withoutHostsBootsBuildersGetNoInterceptorAndNoFilter() {
        HttpClientsTestSupport.runner().withPropertyValues("resilience.http.clients.inventory.policies=retry")
                .run(context -> {
                    assertThat(context.getBean(ResilienceHttpClients.class).hasHosts()).isFalse();
                    List<Object> added = new ArrayList<>();
                    context.getBean(RestClient.Builder.class).requestInterceptors(added::addAll);
                    added.addAll(context.getBean(RestTemplateBuilder.class).build()
                            .getInterceptors());
                    context.getBean(WebClient.Builder.class)
                            .filters(added::addAll);
                    assertThat(added).isEmpty();
                });
        HttpClientsTestSupport.runner().withPropertyValues("resilience.http.clients.inventory.hosts[0]=inventory.internal")
                .run(context -> {
                    List<Object> added = new ArrayList<>();
                    context.getBean(RestClient.Builder.class).requestInterceptors(added::addAll);
                    added.addAll(context.getBean(RestTemplateBuilder.class).build()
                            .getInterceptors());
                    context.getBean(WebClient.Builder.class)
                            .filters(added::addAll);
                    assertThat(added).hasSize(3).allMatch(each -> each instanceof ResilienceRequestInterceptor
                            || each instanceof ResilienceWebClientFilters.Filter);
                });
    }

    @Test
    void anUnknownPolicyStopsStartUp() {
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=inventory.internal",
                "resilience.http.clients.inventory.policies=retry,ratelimiter").run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("resilience.http.clients.inventory.policies");
                });
    }

    @Test
    void aClientsPolicyInstancesExistFromStartUpUnderItsName() {
        HttpClientsTestSupport.runner().withPropertyValues(
                "resilience.http.clients.inventory.hosts[0]=inventory.internal",
                "resilience.http.clients.pricing.hosts[0]=pricing.internal",
                "resilience.http.clients.pricing.policies=circuitbreaker,timeout").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(RetryRegistry.class).names()).contains("inventory")
                            .doesNotContain("pricing");
                    assertThat(context.getBean(CircuitBreakerRegistry.class).names()).contains("inventory", "pricing");
                    assertThat(context.getBean(TimeoutRegistry.class).names()).contains("inventory", "pricing");
                    assertThat(context.getBean(BulkheadRegistry.class).names()).contains("inventory")
                            .doesNotContain("pricing");
                    assertThat(context.getBean(ResilienceHttpClients.class).names())
                            .containsExactlyInAnyOrder("inventory", "pricing");
                });
    }

    @Test
    void aClientWithoutTheRetryPolicySendsEachRequestOnce() throws Exception {
        try (TestHttpServer server = new TestHttpServer()) {
            server.answer(TestHttpServer.Answer.status(503));
            HttpClientsTestSupport.runner().withPropertyValues(
                    "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                    "resilience.http.clients.inventory.policies=circuitbreaker").run(context -> {
                        RestClient client = context.getBean(RestClient.Builder.class)
                                .requestFactory(new JdkClientHttpRequestFactory()).baseUrl(server.url()).build();

                        assertThatThrownBy(() -> client.get().retrieve().body(String.class))
                                .isInstanceOf(HttpServerErrorException.class);
                        assertThat(server.requests()).isEqualTo(1);
                        assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory")
                                .failedCalls()).isEqualTo(1);
                    });
        }
    }

    @Test
    void aHandBuiltClientAsksForANamedClientsInterceptor() throws Exception {
        try (TestHttpServer server = new TestHttpServer()) {
            server.answer(TestHttpServer.Answer.status(503), TestHttpServer.Answer.ok("ok"));
            HttpClientsTestSupport.runner().withPropertyValues(
                    "resilience.http.clients.inventory.policies=retry",
                    "resilience.retry.instances.inventory.wait-duration=0ms").run(context -> {
                        ResilienceHttpClients clients = context.getBean(ResilienceHttpClients.class);
                        RestClient client = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
                                .requestInterceptor(clients.interceptor("inventory")).baseUrl(server.url()).build();

                        assertThat(client.get().retrieve().body(String.class)).isEqualTo("ok");
                        assertThat(server.requests()).isEqualTo(2);
                        assertThatThrownBy(() -> clients.interceptor("nowhere"))
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessage("No HTTP client named 'nowhere' under resilience.http.clients; "
                                        + "configured: [inventory]");
                    });
        }
    }

    @Test
    void withResilienceDisabledNothingIsIntercepted() throws Exception {
        try (TestHttpServer server = new TestHttpServer()) {
            server.answer(TestHttpServer.Answer.status(503));
            HttpClientsTestSupport.runner().withPropertyValues("resilience.enabled=false",
                    "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port()).run(context -> {
                        assertThat(context).doesNotHaveBean(ResilienceHttpClients.class);
                        RestClient client = context.getBean(RestClient.Builder.class)
                                .requestFactory(new JdkClientHttpRequestFactory()).baseUrl(server.url()).build();
                        assertThatThrownBy(() -> client.get().retrieve().body(String.class))
                                .isInstanceOf(HttpServerErrorException.class);
                        assertThat(server.requests()).isEqualTo(1);
                    });
        }
    }
}

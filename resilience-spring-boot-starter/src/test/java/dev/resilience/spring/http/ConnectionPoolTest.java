package dev.resilience.spring.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.apache.hc.client5.http.classic.HttpClient;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import dev.resilience.core.retry.RetryRegistry;

/**
 * Every response that is retried or discarded gives its connection back: 1,000 failing attempts through a
 * pool of 5 connections leave the pool as it was.
 */
class ConnectionPoolTest {

    @Test
    void aThousandFailingAttemptsThroughFiveConnectionsExhaustNothing() throws Exception {
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(5).setMaxConnPerRoute(5)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(2)).build())
                .build();
        // A leaked connection would make a later request wait for a lease: fail fast instead of hanging.
        HttpClient apache = HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries()
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.ofSeconds(2)).build())
                .build();
        try (TestHttpServer server = new TestHttpServer()) {
            server.answer(TestHttpServer.Answer.status(503).withHeader("Retry-After", "0"));
            HttpClientsTestSupport.runner().withPropertyValues(
                    "resilience.http.clients.inventory.hosts[0]=127.0.0.1:" + server.port(),
                    "resilience.http.clients.inventory.policies=retry,timeout",
                    "resilience.retry.instances.inventory.max-attempts=4",
                    "resilience.retry.instances.inventory.wait-duration=0ms").run(context -> {
                        RestClient client = context.getBean(RestClient.Builder.class)
                                .requestFactory(new HttpComponentsClientHttpRequestFactory(apache))
                                .baseUrl(server.url()).build();

                        for (int request = 0; request < 250; request++) {
                            assertThatThrownBy(() -> client.get().uri("/stock").retrieve().body(String.class))
                                    .isInstanceOf(HttpServerErrorException.ServiceUnavailable.class);
                        }

                        assertThat(server.requests()).as("1,000 failing attempts").isEqualTo(1000);
                        assertThat(context.getBean(RetryRegistry.class).instance("inventory").failedWithRetry())
                                .isEqualTo(250);
                        assertThat(pool.getTotalStats().getLeased()).as("no connection still leased").isZero();
                        server.answer(TestHttpServer.Answer.ok("still serving"));
                        long start = System.nanoTime();
                        assertThat(client.get().uri("/stock").retrieve().body(String.class))
                                .isEqualTo("still serving");
                        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
                    });
        } finally {
            pool.close();
        }
    }
}

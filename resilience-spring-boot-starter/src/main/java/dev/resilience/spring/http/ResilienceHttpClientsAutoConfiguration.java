package dev.resilience.spring.http;

import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.support.WebClientHttpServiceGroupConfigurer;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceProperties;

/**
 * HTTP clients protected by configuration ({@code resilience.http.clients}): {@code RestClient} and
 * {@code RestTemplate} from Boot's builders, {@code WebClient} from Boot's {@code WebClient.Builder}, and HTTP
 * service groups, whichever the application has. Our interceptor (or filter) goes first, so every attempt
 * runs the application's own interceptors again. With {@code resilience.enabled=false} nothing is added.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(ClientHttpRequestInterceptor.class)
@ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
public class ResilienceHttpClientsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ResilienceHttpClients resilienceHttpClients(ResilienceProperties properties, RetryRegistry retries,
            CircuitBreakerRegistry circuitBreakers, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            MethodPipelineFactory pipelines) {
        return ResilienceHttpClients.create(properties.getHttp(),
                new ProtectedHttpClient.Registries(retries, circuitBreakers, timeouts, bulkheads), pipelines);
    }

    /** RestClient and RestTemplate, when the application has Boot's builders for them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(RestClientCustomizer.class)
    static class RestClients {

        /**
         * Adds the interceptor by host only when some client names hosts: any interceptor, even one that lets every
         * request pass, costs each request Spring's intercepting request (and touching the builder's interceptor
         * list is enough for a {@code RestClient} to build one).
         */
        @Bean
        RestClientCustomizer resilienceRestClientCustomizer(ResilienceHttpClients clients) {
            return builder -> {
                if (clients.hasHosts()) {
                    builder.requestInterceptors(interceptors -> addFirst(interceptors, clients.interceptor()));
                }
            };
        }

        @Bean
        RestTemplateCustomizer resilienceRestTemplateCustomizer(ResilienceHttpClients clients) {
            return restTemplate -> {
                if (clients.hasHosts()) {
                    addFirst(restTemplate.getInterceptors(), clients.interceptor());
                }
            };
        }

        /** A group named like a client gets that client for all its requests, in place of the host one. */
        @Bean
        RestClientHttpServiceGroupConfigurer resilienceRestClientGroups(ResilienceHttpClients clients) {
            return new RestClientHttpServiceGroupConfigurer() {
                @Override
                public void configureGroups(Groups<org.springframework.web.client.RestClient.Builder> groups) {
                    groups.filter(group -> clients.has(group.name())).forEachClient((group, builder) ->
                            builder.requestInterceptors(interceptors -> replace(interceptors,
                                    clients.interceptor(group.name()))));
                }

                @Override
                public int getOrder() {
                    return Ordered.LOWEST_PRECEDENCE; // after Boot's, which apply the customizers
                }
            };
        }

        private static void addFirst(List<ClientHttpRequestInterceptor> interceptors,
                ClientHttpRequestInterceptor ours) {
            if (interceptors.stream().noneMatch(ResilienceRequestInterceptor.class::isInstance)) {
                interceptors.add(0, ours);
            }
        }

        private static void replace(List<ClientHttpRequestInterceptor> interceptors,
                ClientHttpRequestInterceptor ours) {
            interceptors.removeIf(ResilienceRequestInterceptor.class::isInstance);
            interceptors.add(0, ours);
        }
    }

    /**
     * Apache HttpClient 5 retries by itself (I/O errors, and 429/503 after their Retry-After): with our retry
     * around it, each of our attempts would be several requests. When it is Boot's request factory and some
     * client is protected, its own retries are switched off.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = { "org.apache.hc.client5.http.impl.classic.HttpClientBuilder",
            "org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer" })
    static class ApacheHttpClient {

        @Bean
        ApacheRetriesOff resilienceApacheRetriesOff(ResilienceHttpClients clients) {
            return new ApacheRetriesOff(clients);
        }
    }

    /** WebClient, on the reactive call style, when the application has Boot's builder and Reactor. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ WebClient.class, WebClientCustomizer.class,
            dev.resilience.reactor.ResilienceOperator.class, reactor.core.publisher.Mono.class })
    static class WebClients {

        @Bean
        @ConditionalOnMissingBean
        ResilienceWebClientFilters resilienceWebClientFilters(ResilienceHttpClients clients) {
            return new ResilienceWebClientFilters(clients);
        }

        /** As for RestClient: the filter by host only when some client names hosts. */
        @Bean
        WebClientCustomizer resilienceWebClientCustomizer(ResilienceHttpClients clients,
                ResilienceWebClientFilters filters) {
            return builder -> {
                if (clients.hasHosts()) {
                    builder.filters(list -> {
                        if (list.stream().noneMatch(ResilienceWebClientFilters.Filter.class::isInstance)) {
                            list.add(0, filters.filter());
                        }
                    });
                }
            };
        }

        @Bean
        WebClientHttpServiceGroupConfigurer resilienceWebClientGroups(ResilienceHttpClients clients,
                ResilienceWebClientFilters filters) {
            return new WebClientHttpServiceGroupConfigurer() {
                @Override
                public void configureGroups(Groups<WebClient.Builder> groups) {
                    groups.filter(group -> clients.has(group.name())).forEachClient((group, builder) ->
                            builder.filters(list -> replace(list, filters.filter(group.name()))));
                }

                @Override
                public int getOrder() {
                    return Ordered.LOWEST_PRECEDENCE;
                }
            };
        }

        private static void replace(List<ExchangeFilterFunction> filters, ExchangeFilterFunction ours) {
            filters.removeIf(ResilienceWebClientFilters.Filter.class::isInstance);
            filters.add(0, ours);
        }
    }
}

package dev.resilience.spring.http;

import java.util.List;
import java.util.concurrent.Executor;

import org.springframework.http.HttpHeaders;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.autoconfigure.HttpClientsProperties.Policy;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ResilienceObservationContext;
import dev.resilience.spring.observation.ResilienceObservations;

/**
 * One named client: its HTTP rules and its pipelines, one with the retry for requests that may be sent again
 * and one without it for those that may not. Both share the same instances, so the breaker and the bulkhead
 * see every request. With an {@code ObservationRegistry}, each request is a {@code resilience.call} observation
 * named after the client. Its chaos instance, if fault injection gives it one, acts inside every policy, right
 * around the exchange ({@link HttpChaos}).
 */
final class ProtectedHttpClient {

    final String name;
    final HttpRules rules;
    final Clock clock;
    final ResiliencePipeline retrying;
    final ResiliencePipeline once;
    /** The observations of requests through {@link #retrying} and {@link #once}; {@code null}: not observed. */
    final ObservedCalls observedRetrying;
    final ObservedCalls observedOnce;
    /** Fault injection around each exchange, or {@code null} (the pipelines have no chaos stage of their own). */
    final Chaos chaos;
    /** Where a WebClient exchange delayed by fault injection continues when the delay is over. */
    final Executor executor;

    ProtectedHttpClient(String name, HttpRules rules, List<Policy> policies, Registries registries,
            MethodPipelineFactory pipelines, Clock clock) {
        this.name = name;
        this.rules = rules;
        this.clock = clock;
        this.once = build(name, policies, registries, pipelines, false);
        this.retrying = policies.contains(Policy.RETRY) ? build(name, policies, registries, pipelines, true) : once;
        ResilienceObservations observations = pipelines.observations();
        this.observedOnce = observations == null ? null
                : observations.calls(name, ResilienceObservationContext.Kind.HTTP_CLIENT, once);
        this.observedRetrying = observations == null ? null : retrying == once ? observedOnce
                : observations.calls(name, ResilienceObservationContext.Kind.HTTP_CLIENT, retrying);
        this.chaos = pipelines.chaos().instance(name);
        this.executor = once.asyncExecutor();
    }

    private static ResiliencePipeline build(String name, List<Policy> policies, Registries registries,
            MethodPipelineFactory pipelines, boolean withRetry) {
        ResiliencePipeline.Builder builder = pipelines.pipelineBuilder("HTTP " + name);
        if (withRetry) {
            builder.retry(registries.retries().instance(name));
        }
        if (policies.contains(Policy.CIRCUITBREAKER)) {
            builder.circuitBreaker(registries.circuitBreakers().instance(name));
        }
        if (policies.contains(Policy.TIMEOUT)) {
            builder.timeout(registries.timeouts().instance(name));
        }
        if (policies.contains(Policy.BULKHEAD)) {
            builder.bulkhead(registries.bulkheads().instance(name));
        }
        return builder.build();
    }

    /** The pipeline for a request with {@code method}: without the retry when it may not be sent again. */
    ResiliencePipeline pipelineFor(String method, HttpHeaders headers) {
        return rules.mayRetry(method, headers) ? retrying : once;
    }

    /** How requests through {@code pipeline} (one of this client's) are observed; {@code null}: they are not. */
    ObservedCalls observed(ResiliencePipeline pipeline) {
        return pipeline == once ? observedOnce : observedRetrying;
    }

    /** The registries the policies of the clients come from. */
    record Registries(RetryRegistry retries, CircuitBreakerRegistry circuitBreakers, TimeoutRegistry timeouts,
            BulkheadRegistry bulkheads) {
    }

    @Override
    public String toString() {
        return "HTTP client '" + name + "'";
    }
}

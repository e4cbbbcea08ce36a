package dev.resilience.spring.http;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.reactor.ResilienceOperator;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ObservedPublishers;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What protects {@code WebClient} requests: an exchange filter on the reactive call style. Each attempt is a
 * new subscription to the rest of the filter chain (filters after ours run again for each), the timeout
 * cancels the exchange and so releases its connection, and a failure response's body is read and released
 * before the next attempt. Fault injection, when the client has it, acts inside the attempt: a delay on the
 * clock's timer (no thread waits), then an injected failure in place of the exchange. Boot's
 * {@code WebClient.Builder} and WebClient-backed HTTP service groups get it automatically; a hand-built
 * {@code WebClient} asks for it here:
 *
 * <pre>{@code
 * WebClient client = WebClient.builder().filter(webClientFilters.filter("inventory")).build();
 * }</pre>
 */
public final class ResilienceWebClientFilters {

    private final ResilienceHttpClients clients;
    private final Map<ProtectedHttpClient, Operators> operators = new HashMap<>();
    private final Filter byHost;

    public ResilienceWebClientFilters(ResilienceHttpClients clients) {
        this.clients = clients;
        for (String name : clients.names()) {
            ProtectedHttpClient client = clients.named(name);
            operators.put(client, new Operators(ResilienceOperator.of(client.retrying),
                    ResilienceOperator.of(client.once)));
        }
        this.byHost = new Filter(null);
    }

    /** A filter protecting each request with the client whose {@code hosts} name its host. */
    public ExchangeFilterFunction filter() {
        return byHost;
    }

    /**
     * A filter protecting every request with the client {@code name}, whatever its host.
     *
     * @throws IllegalArgumentException when no client has that name
     */
    public ExchangeFilterFunction filter(String name) {
        return new Filter(clients.named(name));
    }

    private record Operators(ResilienceOperator<ClientResponse> retrying, ResilienceOperator<ClientResponse> once) {
    }

    /**
     * {@code attempt} through {@code operator}, observed as one {@code resilience.call} per subscription when
     * {@code observed} is not {@code null}: a failure status after the last attempt is the call's failure.
     */
    private static Mono<ClientResponse> protect(ResilienceOperator<ClientResponse> operator,
            Mono<ClientResponse> attempt, ObservedCalls observed) {
        if (observed == null) {
            return operator.mono(attempt);
        }
        @SuppressWarnings("unchecked")
        Mono<ClientResponse> observedAttempt = (Mono<ClientResponse>) ObservedPublishers.attempts(attempt);
        return ObservedPublishers.mono(observed, operator.mono(observedAttempt));
    }

    /** The filter; {@code fixed} is the client for every request, else the one for the request's host. */
    final class Filter implements ExchangeFilterFunction {

        private final ProtectedHttpClient fixed;

        private Filter(ProtectedHttpClient fixed) {
            this.fixed = fixed;
        }

        @Override
        public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
            ProtectedHttpClient client = fixed != null ? fixed : clients.forUri(request.url());
            if (client == null) {
                return next.exchange(request);
            }
            Operators pair = operators.get(client);
            boolean mayRetry = client.rules.mayRetry(request.method().name(), request.headers());
            ResilienceOperator<ClientResponse> operator = mayRetry ? pair.retrying() : pair.once();
            Mono<ClientResponse> exchange = Mono.defer(() -> next.exchange(request))
                    .flatMap(response -> classify(client, response, false));
            Mono<ClientResponse> attempt = client.chaos == null ? exchange
                    : Mono.defer(() -> withChaos(client, client.chaos, request, exchange));
            // A response that comes after its attempt was given up (the timeout, the caller) holds a pooled
            // connection: the discard hook releases its body.
            return protect(operator, attempt, client.observed(mayRetry ? client.retrying : client.once))
                    .onErrorResume(HttpFailureStatusException.class,
                    lastFailure -> Mono.just((ClientResponse) lastFailure.response()))
                    .doOnDiscard(ClientResponse.class, late -> late.releaseBody().subscribe());
        }

        ProtectedHttpClient client() {
            return fixed;
        }

        @Override
        public String toString() {
            return "ResilienceWebClientFilter[" + (fixed != null ? fixed.name : "by host") + "]";
        }
    }

    /** One attempt as fault injection draws it: maybe delayed, then maybe failed in place of {@code exchange}. */
    private static Mono<ClientResponse> withChaos(ProtectedHttpClient client, Chaos chaos, ClientRequest request,
            Mono<ClientResponse> exchange) {
        Duration delay = chaos.injectLatency();
        Mono<ClientResponse> faultOrExchange = Mono.defer(() -> faultOr(client, chaos, request, exchange));
        return delay.isZero() ? faultOrExchange : delay(client, chaos, delay).then(faultOrExchange);
    }

    private static Mono<ClientResponse> faultOr(ProtectedHttpClient client, Chaos chaos, ClientRequest request,
            Mono<ClientResponse> exchange) {
        if (!chaos.injectFault()) {
            return exchange;
        }
        int status = chaos.config().status();
        if (status == 0) {
            return Mono.error(HttpChaos.fault(chaos));
        }
        ClientResponse injected = ClientResponse.create(HttpStatusCode.valueOf(status))
                .header(HttpHeaders.CONTENT_TYPE, MediaType.TEXT_PLAIN_VALUE).body(HttpChaos.message(chaos))
                .request(new Sent(request)).build();
        return classify(client, injected, true);
    }

    /**
     * Completes after {@code delay} on the clock's timer, then continues on the client's executor (the rest of
     * the filter chain runs no user code on the timer thread). Cancelling (the timeout, the caller) cancels the
     * timer.
     */
    private static Mono<Void> delay(ProtectedHttpClient client, Chaos chaos, Duration delay) {
        return Mono.create(sink -> {
            Cancellable timer = chaos.clock().schedule(() -> {
                try {
                    client.executor.execute(sink::success);
                } catch (RejectedExecutionException rejected) {
                    sink.error(rejected);
                }
            }, delay.toNanos());
            sink.onCancel(timer::cancel);
        });
    }

    /** The request an injected response answers, for the exception WebClient makes of it. */
    private record Sent(ClientRequest request) implements HttpRequest {

        @Override
        public HttpMethod getMethod() {
            return request.method();
        }

        @Override
        public URI getURI() {
            return request.url();
        }

        @Override
        public Map<String, Object> getAttributes() {
            return request.attributes();
        }

        @Override
        public HttpHeaders getHeaders() {
            return request.headers();
        }
    }

    /**
     * A failure status becomes the attempt's error, its body read so the connection is released at once. A body
     * that cannot be read (e.g. larger than the codecs' in-memory limit) is taken as empty, as WebClient itself
     * does when it makes its exception of such a response: the status still decides.
     */
    private static Mono<ClientResponse> classify(ProtectedHttpClient client, ClientResponse response,
            boolean injected) {
        int status = response.statusCode().value();
        if (!client.rules.isFailure(status)) {
            return Mono.just(response);
        }
        Mono<byte[]> read = response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0])
                .onErrorReturn(unreadable -> !(unreadable instanceof Error), new byte[0]);
        return read.flatMap(body -> {
            // The transforming body(...): the other one subscribes to the consumed body again to release it,
            // which Reactor Netty rejects with an error logged as dropped when the read was cut short.
            ClientResponse buffered = response.mutate()
                    .body(consumed -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body))).build();
            return Mono.error(new HttpFailureStatusException(client.name, status, client.rules.retryAfter(status,
                    response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER), client.clock),
                    buffered, injected));
        });
    }
}

package dev.resilience.benchmarks.diagnostics;

import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;

import dev.resilience.benchmarks.BenchmarkDefaults;
import dev.resilience.benchmarks.RestClientInMemory;
import dev.resilience.benchmarks.RestClients;
import dev.resilience.core.CheckedFunction;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.http.ResilienceHttpClients;

/**
 * Not part of the comparison: scenario 11m's interceptor taken apart, without {@code RestClient} around it. Each
 * method hands one GET (a request as Spring's intercepting request shows it to its interceptors: Accept and
 * Content-Length set) to an interceptor whose next step answers 200 at once, as the in-memory factory does.
 * {@code passThrough} is the floor's interceptor; ours by host (as Boot adds it), ours for a named client (no
 * lookup), and the same four policies in a bare pipeline around the same step. One request serves every call,
 * so the hash of its host is computed once; {@code RestClient} builds a URI per request, whose host's hash the
 * lookup by host computes each time (a few nanoseconds for a short host).
 */
public class HttpInterceptorParts extends BenchmarkDefaults {

    static final URI URI_ = URI.create("http://" + RestClientInMemory.Memory.AUTHORITY + "/stock");
    static final ClientHttpResponse OK = new ResponseAt200();

    /** The request an interceptor of the in-memory client sees. */
    static final class Request implements HttpRequest {

        private final URI uri;
        private final HttpHeaders headers = new HttpHeaders();
        private final Map<String, Object> attributes = new HashMap<>();

        Request(URI uri) {
            this.uri = uri;
            headers.setAccept(List.of(MediaType.TEXT_PLAIN, MediaType.ALL));
            headers.setContentLength(0);
        }

        @Override
        public HttpMethod getMethod() {
            return HttpMethod.GET;
        }

        @Override
        public URI getURI() {
            return uri;
        }

        @Override
        public Map<String, Object> getAttributes() {
            return attributes;
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }
    }

    static final class ResponseAt200 implements ClientHttpResponse {
        @Override
        public org.springframework.http.HttpStatusCode getStatusCode() {
            return org.springframework.http.HttpStatusCode.valueOf(200);
        }

        @Override
        public String getStatusText() {
            return "OK";
        }

        @Override
        public HttpHeaders getHeaders() {
            return HttpHeaders.EMPTY;
        }

        @Override
        public java.io.InputStream getBody() {
            return java.io.InputStream.nullInputStream();
        }

        @Override
        public void close() {
        }
    }

    /** The next step of the chain: the answer, at once. */
    static final ClientHttpRequestExecution ANSWER = (request, body) -> OK;

    @State(Scope.Benchmark)
    public static class Parts {
        RestClients.Ours ours;
        ClientHttpRequestInterceptor byHost;
        ClientHttpRequestInterceptor named;
        ClientHttpRequestInterceptor passThrough = new RestClients.PassThrough();
        ResiliencePipeline pipeline;
        RestClientInMemory.Memory memory = new RestClientInMemory.Memory();
        ClientHttpRequestFactory interceptingNone;
        ClientHttpRequestFactory interceptingPassThrough;
        ClientHttpRequestFactory interceptingOurs;
        HttpRequest request = new Request(URI_);
        byte[] body = new byte[0];

        @Setup(Level.Trial)
        public void start() throws IOException {
            ours = new RestClients.Ours(memory, true);
            ResilienceHttpClients clients = ours.context.getBean(ResilienceHttpClients.class);
            byHost = clients.interceptor();
            interceptingNone = new InterceptingClientHttpRequestFactory(memory, List.of());
            interceptingPassThrough = new InterceptingClientHttpRequestFactory(memory, List.of(passThrough));
            interceptingOurs = new InterceptingClientHttpRequestFactory(memory, List.of(byHost));
            named = clients.interceptor(RestClients.CLIENT);
            String name = RestClients.CLIENT;
            pipeline = ours.context.getBean(MethodPipelineFactory.class).pipelineBuilder("HTTP " + name)
                    .retry(ours.context.getBean(RetryRegistry.class).instance(name))
                    .circuitBreaker(ours.context.getBean(CircuitBreakerRegistry.class).instance(name))
                    .timeout(ours.context.getBean(TimeoutRegistry.class).instance(name))
                    .bulkhead(ours.context.getBean(BulkheadRegistry.class).instance(name))
                    .build();
            if (byHost.intercept(request, body, ANSWER) != OK || named.intercept(request, body, ANSWER) != OK) {
                throw new IllegalStateException("ours did not hand the answer back");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            ours.close();
        }
    }

    private static final CheckedFunction<ClientHttpResponse, ClientHttpResponse> STEP =
            response -> ANSWER.execute(null, null);

    @Benchmark
    public ClientHttpResponse passThrough(Parts parts) throws IOException {
        return parts.passThrough.intercept(parts.request, parts.body, ANSWER);
    }

    @Benchmark
    public ClientHttpResponse oursByHost(Parts parts) throws IOException {
        return parts.byHost.intercept(parts.request, parts.body, ANSWER);
    }

    @Benchmark
    public ClientHttpResponse oursNamed(Parts parts) throws IOException {
        return parts.named.intercept(parts.request, parts.body, ANSWER);
    }

    /**
     * Spring's intercepting layer alone, without RestClient: a GET created, given an Accept header and executed
     * on the in-memory factory itself ({@code requestPlain}), through an intercepting factory with no
     * interceptor, with the pass-through one, and with ours by host.
     */
    @Benchmark
    public ClientHttpResponse requestPlain(Parts parts) throws IOException {
        return send(parts.memory);
    }

    @Benchmark
    public ClientHttpResponse requestInterceptingNone(Parts parts) throws IOException {
        return send(parts.interceptingNone);
    }

    @Benchmark
    public ClientHttpResponse requestInterceptingPassThrough(Parts parts) throws IOException {
        return send(parts.interceptingPassThrough);
    }

    @Benchmark
    public ClientHttpResponse requestInterceptingOurs(Parts parts) throws IOException {
        return send(parts.interceptingOurs);
    }

    private static final List<MediaType> ACCEPT = List.of(MediaType.TEXT_PLAIN, MediaType.ALL);

    private static ClientHttpResponse send(ClientHttpRequestFactory factory) throws IOException {
        ClientHttpRequest request = factory.createRequest(URI_, HttpMethod.GET);
        request.getHeaders().setAccept(ACCEPT);
        return request.execute();
    }

    /** The four policies alone, around the same step. */
    @Benchmark
    public ClientHttpResponse pipelineOnly(Parts parts) throws Throwable {
        return parts.pipeline.execute(STEP, OK);
    }
}

package dev.resilience.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * Scenario 11, in memory: the same clients and the same call as {@link RestClientLoopback}, on a request
 * factory that answers from memory (200, {@code text/plain}, two bytes) on the calling thread. What is left is
 * {@code RestClient}'s own work per request and what each library adds to it, without the network and the
 * thread hand-offs whose variation hides a difference of a few hundred nanoseconds in the loopback figures.
 * Same methods, same settings, same set-up checks (the slow answer is a sleep on the calling thread, which our
 * timeout interrupts as it interrupts the JDK client's wait).
 */
public class RestClientInMemory extends BenchmarkDefaults {

    /** A request factory answering from memory, as the set-up checks plan. */
    @State(Scope.Benchmark)
    public static class Memory implements RestClients.Transport, ClientHttpRequestFactory {

        public static final String AUTHORITY = "inventory.internal:8080";
        static final HttpHeaders RESPONSE_HEADERS;

        static {
            HttpHeaders headers = new HttpHeaders();
            headers.setContentType(MediaType.TEXT_PLAIN);
            headers.setContentLength(RestClients.BODY.length);
            RESPONSE_HEADERS = HttpHeaders.readOnlyHttpHeaders(headers);
        }

        final RestClients.Answers answers = new RestClients.Answers();

        @Override
        public ClientHttpRequest createRequest(URI uri, HttpMethod method) {
            return new Request(uri, method);
        }

        final class Request extends AbstractClientHttpRequest {

            private final URI uri;
            private final HttpMethod method;

            Request(URI uri, HttpMethod method) {
                this.uri = uri;
                this.method = method;
            }

            @Override
            public HttpMethod getMethod() {
                return method;
            }

            @Override
            public URI getURI() {
                return uri;
            }

            @Override
            protected OutputStream getBodyInternal(HttpHeaders headers) {
                return OutputStream.nullOutputStream();
            }

            @Override
            protected ClientHttpResponse executeInternal(HttpHeaders headers) throws IOException {
                answers.inFlight.incrementAndGet();
                try {
                    RestClients.Answer answer = answers.arrived();
                    if (answer.delayMillis() > 0) {
                        try {
                            Thread.sleep(answer.delayMillis());
                        } catch (InterruptedException interrupted) {
                            // As Spring's JDK request does when its wait is interrupted.
                            Thread.currentThread().interrupt();
                            throw new IOException("Request was interrupted: " + interrupted.getMessage(), interrupted);
                        }
                    }
                    return new Response(answer.status());
                } finally {
                    answers.inFlight.decrementAndGet();
                }
            }
        }

        static final class Response implements ClientHttpResponse {

            private final int status;

            Response(int status) {
                this.status = status;
            }

            @Override
            public HttpStatusCode getStatusCode() {
                return HttpStatusCode.valueOf(status);
            }

            @Override
            public String getStatusText() {
                return "";
            }

            @Override
            public HttpHeaders getHeaders() {
                return RESPONSE_HEADERS;
            }

            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(RestClients.BODY);
            }

            @Override
            public void close() {
            }
        }

        @Override
        public RestClient.Builder builder() {
            return RestClient.builder().requestFactory(this).baseUrl("http://" + AUTHORITY);
        }

        @Override
        public RestClients.Answers answers() {
            return answers;
        }

        @Override
        public String authority() {
            return AUTHORITY;
        }
    }

    @State(Scope.Benchmark)
    public static class Plain {
        RestClient client;

        @Setup(Level.Trial)
        public void start(Memory memory) {
            client = RestClients.plain(memory);
        }
    }

    @State(Scope.Benchmark)
    public static class Floor {
        RestClient client;

        @Setup(Level.Trial)
        public void start(Memory memory) {
            client = RestClients.interceptorFloor(memory);
        }
    }

    @State(Scope.Benchmark)
    public static class Ours {
        RestClients.Ours ours;

        @Setup(Level.Trial)
        public void start(Memory memory) {
            ours = new RestClients.Ours(memory, true);
        }

        @TearDown(Level.Trial)
        public void stop() {
            ours.close();
        }
    }

    @State(Scope.Benchmark)
    public static class OursNoTimeout {
        RestClients.Ours ours;

        @Setup(Level.Trial)
        public void start(Memory memory) {
            ours = new RestClients.Ours(memory, false);
        }

        @TearDown(Level.Trial)
        public void stop() {
            ours.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Resilience4j {
        Supplier<String> call;

        @Setup(Level.Trial)
        public void start(Memory memory) {
            call = RestClients.resilience4j(memory);
        }
    }

    @Benchmark
    public String plain(Plain state) {
        return RestClients.call(state.client);
    }

    @Benchmark
    public String interceptorFloor(Floor state) {
        return RestClients.call(state.client);
    }

    @Benchmark
    public String ours(Ours state) {
        return RestClients.call(state.ours.client);
    }

    @Benchmark
    public String oursNoTimeout(OursNoTimeout state) {
        return RestClients.call(state.ours.client);
    }

    @Benchmark
    public String resilience4j(Resilience4j state) {
        return state.call.get();
    }
}

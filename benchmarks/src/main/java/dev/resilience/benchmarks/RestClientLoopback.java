package dev.resilience.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Scenario 11: a {@code RestClient} GET over loopback HTTP, answered 200 with a two-byte body, protected by
 * retry, circuit breaker, timeout and bulkhead. What each library adds to a real request. (A request costs
 * tens to hundreds of microseconds and varies from one second to the next far more than the libraries differ;
 * {@link RestClientInMemory} measures the same clients on a request factory that answers from memory.)
 *
 * <ul>
 * <li>A real HTTP server (the JDK's {@code HttpServer}, keep-alive, TCP_NODELAY) on 127.0.0.1 and a free port, in
 * the benchmark JVM, started once per fork. It answers on its own dispatcher thread (no executor): one thread
 * hand-off fewer per request than a worker pool, so less scheduling noise on a small machine; the requests are
 * sequential anyway (one benchmark thread).
 * <li>Every client is a {@code RestClient} on the JDK request factory over one shared {@code java.net.http}
 * client (HTTP/1.1, pooled connections); every method makes the same call,
 * {@code get().uri("/stock").retrieve().body(String.class)}.
 * <li>{@link #plain} is the baseline: no interceptor, no library. {@link #interceptorFloor} is Spring's own
 * floor for anything that protects requests from inside the client: the same client with one pass-through
 * {@code ClientHttpRequestInterceptor} (Spring's intercepting request and execution chain, before any policy).
 * <li>{@link #ours}: the same client with our interceptor as Boot adds it to every {@code RestClient.Builder}
 * ({@code ResilienceHttpClients.interceptor()}, the client chosen by the request's host), the HTTP client
 * {@code bench} configured by properties with all four policies and Peers' settings, in a minimal application
 * context ({@code ResilienceAutoConfiguration} and {@code ResilienceHttpClientsAutoConfiguration}, nothing
 * else). {@link #oursNoTimeout} is the same with {@code policies=retry,circuitbreaker,bulkhead}: like for like
 * with Resilience4j's side.
 * <li>{@link #resilience4j}: the plain client's call decorated with Resilience4j's {@code Decorators}:
 * bulkhead, then circuit breaker, then retry, so retry is outermost as in ours. Resilience4j has no synchronous
 * time limit (its {@code TimeLimiter} limits a future: a thread hand-off per call), so its side has none.
 * </ul>
 *
 * <p>Set-up checks, once per fork: the server keeps the connection alive (successive requests arrive on one
 * connection); ours' and Resilience4j's requests are counted by the breaker and the retry and hold a bulkhead
 * place while the server answers and none after; a 503 then a 200 is retried and the 200 returned; ours with
 * its timeout cuts a first answer that takes 1.2 s and the retry's second attempt succeeds, and ours without
 * it waits for that answer (2 to 3 s per fork for ours, 0.5 s for Resilience4j). The pass-through interceptor
 * is checked to run.
 */
public class RestClientLoopback extends BenchmarkDefaults {

    /** The HTTP server and the shared JDK HTTP client. */
    @State(Scope.Benchmark)
    public static class Server implements RestClients.Transport {

        final RestClients.Answers answers = new RestClients.Answers();
        HttpServer server;
        java.net.http.HttpClient http;
        String authority;
        /** The client port of the latest request: the same port from one request to the next is keep-alive. */
        volatile int lastRemotePort;

        @Setup(Level.Trial)
        public void start() throws IOException {
            // The server writes the head and the body of a response apart: without TCP_NODELAY the body waits
            // for the client's delayed ACK of the head (~40 ms on Linux). Read once, when the server's
            // configuration class loads: before the first server of this JVM.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(null); // the dispatcher thread answers
            server.start();
            authority = "127.0.0.1:" + server.getAddress().getPort();
            http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();

            RestClient plain = builder().build();
            int[] ports = new int[3];
            for (int i = 0; i < ports.length; i++) {
                Checks.check(Workload.RESULT.equals(RestClients.call(plain)), "the server did not answer "
                        + Workload.RESULT);
                ports[i] = lastRemotePort;
            }
            Checks.check(ports[0] == ports[1] && ports[1] == ports[2], "the connection is not kept alive: "
                    + "client ports " + ports[0] + ", " + ports[1] + ", " + ports[2]);
        }

        private void handle(HttpExchange exchange) {
            answers.inFlight.incrementAndGet();
            try (exchange) {
                try (InputStream in = exchange.getRequestBody()) {
                    in.readAllBytes();
                }
                lastRemotePort = exchange.getRemoteAddress().getPort();
                RestClients.Answer answer = answers.arrived();
                if (answer.delayMillis() > 0) {
                    Thread.sleep(answer.delayMillis());
                }
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(answer.status(), RestClients.BODY.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(RestClients.BODY);
                }
            } catch (IOException | InterruptedException clientWentAway) {
                // a timed-out client closed the connection (set-up checks only)
            } finally {
                answers.inFlight.decrementAndGet();
            }
        }

        @Override
        public RestClient.Builder builder() {
            return RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(http))
                    .baseUrl("http://" + authority);
        }

        @Override
        public RestClients.Answers answers() {
            return answers;
        }

        @Override
        public String authority() {
            return authority;
        }

        @TearDown(Level.Trial)
        public void stop() {
            server.stop(0);
        }
    }

    @State(Scope.Benchmark)
    public static class Plain {
        RestClient client;

        @Setup(Level.Trial)
        public void start(Server server) {
            client = RestClients.plain(server);
        }
    }

    @State(Scope.Benchmark)
    public static class Floor {
        RestClient client;

        @Setup(Level.Trial)
        public void start(Server server) {
            client = RestClients.interceptorFloor(server);
        }
    }

    @State(Scope.Benchmark)
    public static class Ours {
        RestClients.Ours ours;

        @Setup(Level.Trial)
        public void start(Server server) {
            ours = new RestClients.Ours(server, true);
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
        public void start(Server server) {
            ours = new RestClients.Ours(server, false);
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
        public void start(Server server) {
            call = RestClients.resilience4j(server);
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

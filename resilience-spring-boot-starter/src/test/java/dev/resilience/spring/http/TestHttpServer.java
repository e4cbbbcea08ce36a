package dev.resilience.spring.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on 127.0.0.1 and a free port, answering each request with the next planned
 * {@link Answer} (the last one repeats), and recording what it received.
 */
final class TestHttpServer implements AutoCloseable {

    /** One planned answer: status, headers, body, and how long to wait before answering. */
    record Answer(int status, Map<String, String> headers, String body, Duration delay) {

        static Answer status(int status) {
            return new Answer(status, Map.of(), "status " + status, Duration.ZERO);
        }

        static Answer ok(String body) {
            return new Answer(200, Map.of("Content-Type", "text/plain"), body, Duration.ZERO);
        }

        Answer withHeader(String name, String value) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers);
            all.put(name, value);
            return new Answer(status, Map.copyOf(all), body, delay);
        }

        Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }

    /** What the server received. */
    record Received(String method, String path, Map<String, List<String>> headers) {
    }

    static {
        // Without it, a response's headers and body leave in two small packets and the client's delayed ACK
        // holds each exchange for 40 ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "test-http-server");
        thread.setDaemon(true);
        return thread;
    });
    private final Queue<Answer> plan = new ConcurrentLinkedQueue<>();
    private volatile Answer last = Answer.ok("ok");
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    TestHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Answers the next requests with {@code answers}, in order; the last one then repeats. */
    TestHttpServer answer(Answer... answers) {
        plan.clear();
        plan.addAll(List.of(answers).subList(0, answers.length - 1));
        last = answers[answers.length - 1];
        return this;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port} */
    String url() {
        return "http://127.0.0.1:" + port();
    }

    int requests() {
        return requests.get();
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            requests.incrementAndGet();
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders())));
            Answer answer = plan.poll();
            if (answer == null) {
                answer = last;
            }
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException clientWentAway) {
            // a timed-out client closed the connection
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /** A port nothing listens on: connecting is refused. */
    static int refusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** As {@link #refusedPort()}, for lambdas. */
    static int refusedPortUnchecked() {
        try {
            return refusedPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A server that accepts each connection and resets it (RST) without answering. */
    static final class Resetting implements AutoCloseable {

        private final ServerSocket socket;
        private final AtomicInteger connections = new AtomicInteger();
        private final Thread acceptor;

        Resetting() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket accepted = socket.accept();
                        connections.incrementAndGet();
                        accepted.getInputStream().read(new byte[1024]); // the request line arrives first
                        accepted.setSoLinger(true, 0);
                        accepted.close();
                    } catch (IOException closed) {
                        // stopped, or the client gave up
                    }
                }
            }, "resetting-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            return connections.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

package dev.resilience.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.http.ResilienceHttpClients;
import dev.resilience.spring.http.ResilienceHttpClientsAutoConfiguration;
import io.github.resilience4j.decorators.Decorators;

/**
 * What scenario 11's two transports ({@link RestClientLoopback}, {@link RestClientInMemory}) share: the call,
 * the clients each method measures, and the set-up checks that prove each client is what it claims. Public
 * for the diagnostics, which take ours' parts apart.
 */
public final class RestClients {

    /** The name of our HTTP client, and of its policy instances. */
    public static final String CLIENT = "bench";
    static final String PATH = "/stock";
    static final byte[] BODY = Workload.RESULT.getBytes(StandardCharsets.US_ASCII);
    /** How long the slow answer of the set-up checks takes: beyond the timeout (Peers.TIMEOUT, 1 s). */
    static final long SLOW_MILLIS = 1200;

    private RestClients() {
    }

    /** The answer to one planned request: a status, after a delay. */
    record Answer(int status, long delayMillis) {
    }

    /**
     * What answers requests, whatever carries them: 200 and {@link #BODY} at once, unless the set-up checks
     * planned otherwise; counts requests and runs the checks' probe inside each.
     */
    static final class Answers {

        /** Answers for the next requests (set-up checks only); when empty, 200 at once. */
        final Queue<Answer> plan = new ConcurrentLinkedQueue<>();
        /** Runs inside each request during the set-up checks; {@code null} while measuring. */
        volatile Runnable probe;
        final AtomicInteger requests = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();

        /** Called when a request arrives (inside {@code inFlight}): the answer to give it. */
        Answer arrived() {
            requests.incrementAndGet();
            Runnable p = probe;
            if (p != null) {
                p.run();
            }
            Answer answer = plan.poll();
            return answer != null ? answer : OK;
        }

        /** Waits until no request is being answered (a cut slow answer may still be sleeping). */
        void awaitIdle() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (inFlight.get() > 0) {
                Checks.check(System.nanoTime() < deadline, "still answering a request after 10 s");
                try {
                    Thread.sleep(10);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(stopped);
                }
            }
        }
    }

    static final Answer OK = new Answer(200, 0);

    /** Where requests go. */
    public interface Transport {

        /** A builder of the measured client: the transport's request factory and base URL, nothing else. */
        RestClient.Builder builder();

        Answers answers();

        /** The host and port of the base URL, as {@code resilience.http.clients.<name>.hosts} names them. */
        String authority();
    }

    /** The measured call, the same in every method. */
    static String call(RestClient client) {
        return client.get().uri(PATH).retrieve().body(String.class);
    }

    static RestClient plain(Transport transport) {
        RestClient client = transport.builder().build();
        Checks.check(Workload.RESULT.equals(call(client)), "the plain client did not return " + Workload.RESULT);
        return client;
    }

    /** A pass-through interceptor: it runs the probe of the set-up check (null while measuring), then proceeds. */
    public static final class PassThrough implements ClientHttpRequestInterceptor {

        Runnable probe;

        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
                throws IOException {
            Runnable p = probe;
            if (p != null) {
                p.run();
            }
            return execution.execute(request, body);
        }
    }

    /**
     * The plain client with one pass-through interceptor: Spring's own floor for protecting requests from inside
     * the client. Checked with the same interceptor instance that is measured, so that the call site of the
     * interceptor sees one class only, as ours does.
     */
    static RestClient interceptorFloor(Transport transport) {
        PassThrough passThrough = new PassThrough();
        RestClient client = transport.builder().requestInterceptor(passThrough).build();
        AtomicInteger passed = new AtomicInteger();
        passThrough.probe = passed::incrementAndGet;
        String value = call(client);
        passThrough.probe = null;
        Checks.check(Workload.RESULT.equals(value) && passed.get() == 1, "the pass-through interceptor did not run");
        return client;
    }

    /** The plain client's call through Resilience4j's Decorators, retry outermost. */
    static Supplier<String> resilience4j(Transport transport) {
        RestClient plain = transport.builder().build();
        var retry = Peers.r4jRetry();
        var breaker = Peers.r4jBreaker();
        var bulkhead = Peers.r4jBulkhead();
        // Each with* wraps what is built so far: bulkhead innermost, then the breaker, retry outermost.
        Supplier<String> call = Decorators.ofSupplier(() -> call(plain))
                .withBulkhead(bulkhead)
                .withCircuitBreaker(breaker)
                .withRetry(retry)
                .decorate();

        Answers answers = transport.answers();
        checkOne("Resilience4j", answers, call, () -> bulkhead.getMetrics().getAvailableConcurrentCalls());
        Checks.check(breaker.getMetrics().getNumberOfSuccessfulCalls() == 1,
                "the Resilience4j breaker did not count the request");
        Checks.check(retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt() == 1,
                "the Resilience4j retry did not count the request");
        checkRetried("Resilience4j", answers, call, new Answer(503, 0));
        Checks.check(retry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() == 1,
                "the Resilience4j retry did not count the retried request");
        Checks.check(breaker.getMetrics().getNumberOfFailedCalls() == 1,
                "the Resilience4j breaker did not count the 503");
        return call;
    }

    /** Our starter's two auto-configurations, nothing else. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({ ResilienceAutoConfiguration.class, ResilienceHttpClientsAutoConfiguration.class })
    public static class OursApplication {
    }

    /**
     * Ours, as Boot adds it to a {@code RestClient.Builder}: the interceptor choosing the client by the request's
     * host ({@code ResilienceHttpClients.interceptor()}), from a minimal application context with the HTTP
     * client {@code bench} for the transport's authority, {@code policies} and Peers' settings.
     */
    public static final class Ours implements AutoCloseable {

        public final ConfigurableApplicationContext context;
        public final RestClient client;

        public Ours(Transport transport, boolean withTimeout) {
            String policies = withTimeout ? "retry,circuitbreaker,timeout,bulkhead" : "retry,circuitbreaker,bulkhead";
            String prefix = "resilience.http.clients." + CLIENT;
            context = new SpringApplicationBuilder(OursApplication.class)
                    .web(WebApplicationType.NONE)
                    .logStartupInfo(false)
                    .properties("spring.main.banner-mode=off",
                            "logging.level.root=WARN",
                            prefix + ".hosts[0]=" + transport.authority(),
                            prefix + ".policies=" + policies,
                            "resilience.retry.instances." + CLIENT + ".max-attempts=" + Peers.MAX_ATTEMPTS,
                            "resilience.retry.instances." + CLIENT + ".wait-duration="
                                    + Peers.RETRY_WAIT.toMillis() + "ms",
                            "resilience.circuitbreaker.instances." + CLIENT + ".wait-duration-in-open-state="
                                    + Peers.OPEN_WAIT.toMinutes() + "m",
                            "resilience.bulkhead.instances." + CLIENT + ".max-concurrent-calls="
                                    + Peers.BULKHEAD_CALLS,
                            "resilience.bulkhead.instances." + CLIENT + ".max-wait-duration=0ms",
                            "resilience.timeout.instances." + CLIENT + ".duration=" + Peers.TIMEOUT.toMillis() + "ms")
                    .run();
            ResilienceHttpClients clients = context.getBean(ResilienceHttpClients.class);
            Checks.check(clients.names().equals(Set.of(CLIENT)), "clients configured: " + clients.names());
            client = transport.builder().requestInterceptor(clients.interceptor()).build();
            check(transport.answers(), withTimeout);
        }

        private void check(Answers answers, boolean withTimeout) {
            var retry = context.getBean(RetryRegistry.class).instance(CLIENT);
            var breaker = context.getBean(CircuitBreakerRegistry.class).instance(CLIENT);
            var bulkhead = context.getBean(BulkheadRegistry.class).instance(CLIENT);
            var timeout = context.getBean(TimeoutRegistry.class).instance(CLIENT);
            Checks.check(retry.config().maxAttempts() == Peers.MAX_ATTEMPTS
                    && retry.config().waitDuration().equals(Peers.RETRY_WAIT), "retry settings: " + retry.config());
            Checks.check(breaker.config().waitDurationInOpenState().equals(Peers.OPEN_WAIT),
                    "breaker settings: " + breaker.config());
            Checks.check(bulkhead.config().maxConcurrentCalls() == Peers.BULKHEAD_CALLS
                    && bulkhead.config().maxWaitDuration().isZero(), "bulkhead settings: " + bulkhead.config());
            Checks.check(timeout.config().duration().equals(Peers.TIMEOUT), "timeout settings: " + timeout.config());

            checkOne("ours", answers, () -> call(client), bulkhead::availablePermits);
            Checks.check(breaker.successfulCalls() == 1, "our breaker did not count the request");
            Checks.check(retry.successfulWithoutRetry() == 1, "our retry did not count the request");
            Checks.check(timeout.successfulCalls() == (withTimeout ? 1 : 0),
                    "our timeout counted " + timeout.successfulCalls() + " request(s)");

            checkRetried("ours", answers, () -> call(client), new Answer(503, 0));
            Checks.check(retry.successfulWithRetry() == 1, "our retry did not count the retried request");
            Checks.check(breaker.failedCalls() == 1, "our breaker did not count the 503");

            if (withTimeout) {
                checkRetried("ours", answers, () -> call(client), new Answer(200, SLOW_MILLIS));
                Checks.check(timeout.timedOutCalls() == 1 && retry.successfulWithRetry() == 2,
                        "our timeout did not cut the slow answer (" + timeout.timedOutCalls() + " timed out)");
            } else {
                answers.awaitIdle();
                int before = answers.requests.get();
                answers.plan.add(new Answer(200, SLOW_MILLIS));
                long start = System.nanoTime();
                String value = call(client);
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                Checks.check(Workload.RESULT.equals(value) && answers.requests.get() - before == 1
                        && took >= SLOW_MILLIS && retry.successfulWithoutRetry() == 2 && timeout.timedOutCalls() == 0,
                        "ours without a timeout did not wait for the slow answer (" + value + " after " + took
                                + " ms)");
            }
            Checks.check(!Thread.currentThread().isInterrupted(), "the benchmark thread was left interrupted");
        }

        @Override
        public void close() {
            context.close();
        }
    }

    /** One request returns the body while holding a bulkhead place (seen while answering) and none after. */
    static void checkOne(String who, Answers answers, Supplier<String> call, IntSupplier freePlaces) {
        int free = freePlaces.getAsInt();
        AtomicInteger freeInside = new AtomicInteger(-1);
        answers.probe = () -> freeInside.set(freePlaces.getAsInt());
        String value = call.get();
        answers.probe = null;
        Checks.check(Workload.RESULT.equals(value), who + " did not return the body (" + value + ")");
        Checks.check(freeInside.get() == free - 1, who + "'s bulkhead did not hold a place during the request ("
                + freeInside.get() + " of " + free + " free inside)");
        Checks.check(freePlaces.getAsInt() == free, who + "'s bulkhead did not give the place back");
    }

    /** The first answer is {@code first}: the request is sent twice and the second answer's body returned. */
    static void checkRetried(String who, Answers answers, Supplier<String> call, Answer first) {
        answers.awaitIdle();
        int before = answers.requests.get();
        answers.plan.add(first);
        String value = call.get();
        answers.awaitIdle();
        int sent = answers.requests.get() - before;
        Checks.check(Workload.RESULT.equals(value) && sent == 2, who + " did not retry after " + first + ": "
                + value + " after " + sent + " request(s)");
    }
}

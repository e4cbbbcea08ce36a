package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.Retry;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.test.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code @Hedge} methods of every call style, on the manual clock: the extra attempt of a synchronous method
 * runs on the application's task executor, the loser is cancelled and leaves its bulkhead place; the hedge
 * shows in its endpoint (over real HTTP), its meters and the recent events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = HedgeMethodsTest.Config.class,
        properties = { "management.endpoints.web.exposure.include=*",
                "resilience.hedge.configs.default.delay=100ms",
                "resilience.hedge.instances.learning.delay=p95",
                "resilience.hedge.instances.learning.delay-fallback=250ms",
                "resilience.bulkhead.instances.stock.max-concurrent-calls=4" })
class HedgeMethodsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    @Autowired
    Stock stock;

    @Autowired
    Seen seen;

    @Autowired
    ManualClock clock;

    @Autowired
    HedgeRegistry hedges;

    @Autowired
    BulkheadRegistry bulkheads;

    @Autowired
    MeterRegistry meters;

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        callers.shutdownNow();
    }

    @Test
    void aSlowSynchronousCallIsHedgedOnTheApplicationsExecutorAndTheLoserFreesItsPlace() throws Exception {
        Future<String> call = callers.submit(stock::level);
        assertThat(seen.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        clock.advance(Duration.ofMillis(100));
        assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("level from extra attempt");
        assertThat(seen.extraThread.get()).startsWith("task-"); // Boot's applicationTaskExecutor
        assertThat(seen.firstInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bulkheads.instance("stock").availablePermits()).isEqualTo(4);

        dev.resilience.core.hedge.Hedge hedge = hedges.instance("stock");
        assertThat(hedge.hedgeWins()).isEqualTo(1);
        assertThat(meters.get("resilience.hedge.wins").tag("name", "stock").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("resilience.hedge.calls").tag("name", "stock").tag("kind", "hedged").functionCounter()
                .count()).isEqualTo(1);

        JsonNode view = get("/actuator/hedges").get("hedges").get("stock");
        assertThat(view.propertyNames()).containsExactly("maxHedges", "delay", "currentDelayMillis", "calls",
                "hedgedCalls", "hedgesLaunched", "hedgeWins");
        assertThat(view.get("delay").asString()).isEqualTo("100ms");
        assertThat(view.get("currentDelayMillis").asDouble()).isEqualTo(100.0);
        assertThat(view.get("hedgeWins").asLong()).isEqualTo(1);
        JsonNode events = get("/actuator/resilienceevents?policy=hedge").get("events");
        assertThat(events.get(0).get("type").asString()).isEqualTo("HEDGE_WON");
        assertThat(events.get(1).get("type").asString()).isEqualTo("HEDGE_LAUNCHED");
    }

    @Test
    void anAsynchronousCallsLosingFutureIsCancelled() throws Exception {
        CompletableFuture<String> result = stock.levelAsync();
        clock.advance(Duration.ofMillis(100));
        assertThat(seen.futureAttempts.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.futures).hasSize(2);
        seen.futures.get(1).complete("second");
        assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(seen.futures.get(0).isCancelled()).isTrue();
    }

    @Test
    void aMonosLosingSubscriptionIsCancelled() throws InterruptedException {
        AtomicReference<String> result = new AtomicReference<>();
        stock.levelMono().subscribe(result::set);
        clock.advance(Duration.ofMillis(100));
        assertThat(seen.monoAttempts.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.sinks).hasSize(2);
        seen.sinks.get(0).tryEmitValue("first");
        assertThat(result.get()).isEqualTo("first");
        assertThat(seen.monoCancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.monoCancellations).hasValue(1);
    }

    @Test
    void aPercentileDelayUsesItsFallbackUntilEnoughCallsAreMeasured() {
        assertThat(hedges.instance("learning").currentDelay()).isEqualTo(Duration.ofMillis(250));
        for (int i = 0; i < 60; i++) {
            stock.quick();
        }
        // each of the first 50 calls measured, then one in 8 (the 57th)
        assertThat(hedges.instance("learning").measuredAttempts()).isEqualTo(51);
        assertThat(hedges.instance("learning").currentDelay()).isLessThan(Duration.ofMillis(1));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** What the calls saw; apart from the bean, whose proxy has fields of its own. */
    static class Seen {

        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch firstInterrupted = new CountDownLatch(1);
        final AtomicReference<String> extraThread = new AtomicReference<>();
        final AtomicInteger levelCalls = new AtomicInteger();
        final List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();
        final List<Sinks.One<String>> sinks = new CopyOnWriteArrayList<>();
        final AtomicInteger monoCancellations = new AtomicInteger();
        /** Counted down by each attempt: the extra one starts on the application's executor. */
        final CountDownLatch futureAttempts = new CountDownLatch(2);
        final CountDownLatch monoAttempts = new CountDownLatch(2);
        final CountDownLatch monoCancelled = new CountDownLatch(1);
    }

    static class Stock {

        private final Seen seen;

        Stock(Seen seen) {
            this.seen = seen;
        }

        @Hedge(name = "stock")
        @Bulkhead(name = "stock")
        @Retry(name = "stock")
        public String level() throws InterruptedException {
            if (seen.levelCalls.incrementAndGet() == 1) {
                seen.firstStarted.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException stopped) {
                    seen.firstInterrupted.countDown();
                    throw stopped;
                }
            }
            seen.extraThread.set(Thread.currentThread().getName());
            return "level from extra attempt";
        }

        @Hedge(name = "stock-async")
        public CompletableFuture<String> levelAsync() {
            CompletableFuture<String> future = new CompletableFuture<>();
            seen.futures.add(future);
            seen.futureAttempts.countDown();
            return future;
        }

        @Hedge(name = "stock-mono")
        public Mono<String> levelMono() {
            return Mono.defer(() -> {
                Sinks.One<String> sink = Sinks.one();
                seen.sinks.add(sink);
                seen.monoAttempts.countDown();
                return sink.asMono();
            }).doOnCancel(() -> {
                seen.monoCancellations.incrementAndGet();
                seen.monoCancelled.countDown();
            });
        }

        @Hedge(name = "learning")
        public String quick() {
            return "quick";
        }
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {

        @Bean
        ManualClock resilienceClock() {
            return new ManualClock();
        }

        @Bean
        Seen seen() {
            return new Seen();
        }

        @Bean
        Stock stock(Seen seen) {
            return new Stock(seen);
        }
    }
}

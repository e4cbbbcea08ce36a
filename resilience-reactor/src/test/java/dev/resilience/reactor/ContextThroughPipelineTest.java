package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.resilience.core.event.EventType;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.test.ManualClock;

import io.micrometer.context.ContextRegistry;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

/**
 * The subscriber's Reactor {@code Context}, and the thread-local values it carries, reach a retried attempt
 * that runs on another thread, and the events of the call, with automatic context propagation on or off.
 */
class ContextThroughPipelineTest {

    private static final String KEY = "resilience-test-trace";
    private static final ThreadLocal<String> TRACE = new ThreadLocal<>();

    static {
        ContextRegistry.getInstance().registerThreadLocalAccessor(KEY, TRACE::get, TRACE::set, TRACE::remove);
    }

    private final ManualClock clock = new ManualClock();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "elsewhere"));

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        Hooks.disableAutomaticContextPropagation();
    }

    @ParameterizedTest(name = "automatic context propagation: {0}")
    @ValueSource(booleans = {false, true})
    void theSubscribersContextReachesARetriedAttemptOnAnotherThreadAndItsEvents(boolean automatic) {
        if (automatic) {
            Hooks.enableAutomaticContextPropagation();
        }
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(2).waitDuration(Duration.ofSeconds(1))
                .build(), clock);
        List<String> seenByEvents = new CopyOnWriteArrayList<>();
        retry.events().onEvent(event -> {
            if (event.type() == EventType.RETRY_SUCCEEDED) {
                seenByEvents.add(TRACE.get());
            }
        });
        List<String> seenByAttempts = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> source = Mono.deferContextual(context -> {
            seenByAttempts.add(context.getOrDefault(KEY, "none") + "/" + TRACE.get());
            threads.add(Thread.currentThread().getName());
            return attempts.incrementAndGet() == 1 ? Mono.error(new IOException("first")) : Mono.just("ok");
        });
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).asyncExecutor(executor).build();

        Mono<String> mono = ResilienceOperator.<String>of(pipeline).mono(source).contextWrite(Context.of(KEY, "t-1"));

        StepVerifier.create(mono)
                .then(() -> clock.advance(Duration.ofSeconds(1)))
                .expectNext("ok")
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        assertThat(threads).as("the retry runs on the pipeline's executor").last().isEqualTo("elsewhere");
        assertThat(seenByAttempts.get(1)).as("the retried attempt sees the Reactor context and its thread local")
                .isEqualTo("t-1/t-1");
        assertThat(seenByEvents).as("the retry event is published with the caller's context").containsExactly("t-1");
    }
}

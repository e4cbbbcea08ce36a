package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Annotated methods returning {@code Mono} or {@code Flux}: the method runs once to assemble its publisher,
 * each subscription is one execution, each retry a new subscription, and the policies see the subscription,
 * not the assembly.
 */
class ReactiveMethodsTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.retry.instances.reactive-retry.max-attempts=3",
                    "resilience.retry.instances.reactive-retry.wait-duration=1s",
                    "resilience.circuitbreaker.instances.reactive-breaker.sliding-window-size=2",
                    "resilience.circuitbreaker.instances.reactive-breaker.minimum-number-of-calls=2",
                    "resilience.circuitbreaker.instances.reactive-breaker.wait-duration-in-open-state=10s",
                    "resilience.circuitbreaker.instances.reactive-breaker.permitted-calls-in-half-open-state=1",
                    "resilience.timeout.instances.reactive-timeout.duration=2s",
                    "resilience.bulkhead.instances.reactive-bulkhead.max-concurrent-calls=1");

    @Test
    void theMethodAssemblesOnceAndEachRetrySubscribesAgain() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            Mono<String> mono = backend.failsTwiceThenSucceeds();
            assertThat(backend.subscriptions()).as("assembled, nothing subscribed").hasValue(0);

            StepVerifier.create(mono)
                    .then(() -> advanceToTheNextRetry(clock))
                    .then(() -> advanceToTheNextRetry(clock))
                    .expectNext("ok on subscription 3")
                    .expectComplete().verify(VERIFY);

            assertThat(backend.assemblies()).as("the method ran once").hasValue(1);
            assertThat(backend.subscriptions()).as("one subscription per attempt").hasValue(3);
        });
    }

    @Test
    void theBreakerCountsSubscriptionsAndGoesThroughOpenHalfOpenAndClosed() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);
            dev.resilience.core.circuitbreaker.CircuitBreaker breaker = context.getBean(
                    CircuitBreakerRegistry.class).instance("reactive-breaker");

            backend.healthy(false);
            Mono<String> call = backend.guarded();
            StepVerifier.create(call).expectError(IOException.class).verify(VERIFY);
            StepVerifier.create(call).expectError(IOException.class).verify(VERIFY);
            assertThat(breaker.state()).isEqualTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN);

            int before = backend.subscriptions().get();
            StepVerifier.create(call).expectError(CircuitBreakerOpenException.class).verify(VERIFY);
            assertThat(backend.subscriptions()).as("rejected without subscribing").hasValue(before);

            clock.advance(Duration.ofSeconds(10));
            assertThat(breaker.state()).isEqualTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN);
            backend.healthy(true);
            StepVerifier.create(call).expectNext("healthy").expectComplete().verify(VERIFY);
            assertThat(breaker.state()).isEqualTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED);
        });
    }

    @Test
    void aFallbackMethodReturningAMonoReplacesTheError() {
        runner.run(context -> StepVerifier.create(context.getBean(ReactiveBackend.class).withFallback("a-1"))
                .expectNext("cached a-1 after IOException")
                .expectComplete().verify(VERIFY));
    }

    @Test
    void theTimeoutCancelsTheSubscriptionAndSignalsTimeoutExceeded() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            StepVerifier.create(backend.hangs())
                    .then(() -> clock.advance(Duration.ofSeconds(2)))
                    .expectError(TimeoutExceededException.class).verify(VERIFY);

            assertThat(backend.cancellations()).hasValue(1);
        });
    }

    @Test
    void cancellingHandsTheBulkheadPlaceBack() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            dev.resilience.core.bulkhead.Bulkhead bulkhead = context.getBean(BulkheadRegistry.class)
                    .instance("reactive-bulkhead");

            StepVerifier.create(backend.limited())
                    .then(() -> assertThat(bulkhead.inFlightCalls()).singleElement()
                            .satisfies(call -> assertThat(call.call()).isEqualTo("ReactiveBackend.limited")))
                    .thenCancel()
                    .verify(VERIFY);

            assertThat(bulkhead.inFlightCalls()).isEmpty();
            assertThat(backend.cancellations()).hasValue(1);
        });
    }

    @Test
    void aFluxMethodStreamsAndIsRetriedAsAWhole() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            StepVerifier.create(backend.stream())
                    .expectNext(1)
                    .then(() -> advanceToTheNextRetry(clock))
                    .expectNext(1, 2, 3)
                    .expectComplete().verify(VERIFY);

            assertThat(backend.subscriptions()).hasValue(2);
        });
    }

    @Test
    void theCallersMdcReachesARetriedSubscriptionOnAnotherThreadAndTheRetryEvent() {
        runner.run(context -> {
            ReactiveBackend backend = context.getBean(ReactiveBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);
            List<String> eventMdc = new CopyOnWriteArrayList<>();
            context.getBean(RetryRegistry.class).instance("reactive-retry").events()
                    .onEvent(event -> eventMdc.add(event.type() + " " + MDC.get("requestId")));
            MDC.put("requestId", "r-9");
            try {
                StepVerifier.create(backend.recordsMdc())
                        .then(MDC::clear) // the subscribing thread moves on to other work
                        .then(() -> advanceToTheNextRetry(clock))
                        .expectNext("ok")
                        .expectComplete()
                        .verify(VERIFY);
            } finally {
                MDC.clear();
            }

            assertThat(backend.seen()).hasSize(2);
            assertThat(backend.seen().get(1)).as("the retried subscription, on another thread, with the MDC")
                    .isNotEqualTo(backend.seen().get(0)).endsWith("/r-9");
            assertThat(eventMdc).contains("RETRY_SUCCEEDED r-9");
        });
    }

    @Test
    void aMonoMethodWithAPlainValueFallbackStopsStartUp() {
        runner.withBean(PlainFallbackForMono.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidFallbackException.class)
                    .hasMessage("@Fallback(method = \"recover\") on " + PlainFallbackForMono.class.getName()
                            + ".call() cannot be used: recover() returns String, which is not assignable to Mono. "
                            + "Expected a method of the same class (it may be private) declared as Mono recover() "
                            + "or Mono recover(<a Throwable type>).");
        });
    }

    /** Retries continue on the default executor: wait until the retry's wait is on the clock, then end it. */
    private static void advanceToTheNextRetry(ManualClock clock) {
        await().atMost(VERIFY).until(() -> clock.pendingTasks() == 1);
        clock.advance(Duration.ofSeconds(1));
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        ReactiveBackend reactiveBackend() {
            return new ReactiveBackend();
        }
    }

    static class ReactiveBackend {
        // Read through methods: the test holds the proxy, whose own fields are not the bean's.
        private final AtomicInteger assemblies = new AtomicInteger();
        private final AtomicInteger subscriptions = new AtomicInteger();
        private final AtomicInteger cancellations = new AtomicInteger();
        private volatile boolean healthy = true;

        public AtomicInteger assemblies() {
            return assemblies;
        }

        public AtomicInteger subscriptions() {
            return subscriptions;
        }

        public AtomicInteger cancellations() {
            return cancellations;
        }

        public void healthy(boolean healthy) {
            this.healthy = healthy;
        }

        @Retry(name = "reactive-retry")
        public Mono<String> failsTwiceThenSucceeds() {
            assemblies.incrementAndGet();
            return Mono.defer(() -> {
                int n = subscriptions.incrementAndGet();
                return n < 3 ? Mono.error(new IOException("down " + n)) : Mono.just("ok on subscription " + n);
            });
        }

        private final List<String> seen = new CopyOnWriteArrayList<>();

        public List<String> seen() {
            return seen;
        }

        @Retry(name = "reactive-retry")
        public Mono<String> recordsMdc() {
            return Mono.defer(() -> {
                seen.add(Thread.currentThread().getName() + "/" + MDC.get("requestId"));
                return seen.size() == 1 ? Mono.error(new IOException("first")) : Mono.just("ok");
            });
        }

        @CircuitBreaker(name = "reactive-breaker")
        public Mono<String> guarded() {
            return Mono.defer(() -> {
                subscriptions.incrementAndGet();
                return healthy ? Mono.just("healthy") : Mono.error(new IOException("unhealthy"));
            });
        }

        @Fallback(method = "cached")
        public Mono<String> withFallback(String id) {
            return Mono.error(new IOException("down"));
        }

        private Mono<String> cached(String id, IOException failure) {
            return Mono.just("cached " + id + " after " + failure.getClass().getSimpleName());
        }

        @Timeout(name = "reactive-timeout")
        public Mono<String> hangs() {
            return Mono.<String>never().doOnCancel(cancellations::incrementAndGet);
        }

        @Bulkhead(name = "reactive-bulkhead")
        public Mono<String> limited() {
            return Mono.<String>never().doOnCancel(cancellations::incrementAndGet);
        }

        @Retry(name = "reactive-retry")
        public Flux<Integer> stream() {
            return Flux.defer(() -> subscriptions.incrementAndGet() == 1
                    ? Flux.just(1).concatWith(Flux.error(new IOException("broken")))
                    : Flux.just(1, 2, 3));
        }
    }

    static class PlainFallbackForMono {
        @Fallback(method = "recover")
        public Mono<String> call() {
            return Mono.just("x");
        }

        public String recover() {
            return "plain";
        }
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.observation.DefaultResilienceObservationConvention;
import dev.resilience.spring.observation.ResilienceObservationContext;
import dev.resilience.spring.observation.ResilienceObservationConvention;
import dev.resilience.test.ManualClock;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * With an {@code ObservationRegistry} (Micrometer's {@link TestObservationRegistry} here, which also checks each
 * observation's life cycle), each call of an annotated method is one {@code resilience.call} observation tagged
 * with its name and outcome, and its retries, fallback, rejections and timeouts are events on it; without one,
 * nothing is observed and the interceptor keeps its plain path.
 */
class ObservedMethodsTest {

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final EventRecorder events = new EventRecorder();
    private final ExecutorService elsewhere = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "elsewhere");
        thread.setDaemon(true);
        return thread;
    });

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withBean(ExecutorService.class, () -> elsewhere)
            .withPropertyValues(
                    "resilience.retry.instances.retried.max-attempts=3",
                    "resilience.retry.instances.retried.wait-duration=100ms",
                    "resilience.retry.instances.fallen.max-attempts=2",
                    "resilience.retry.instances.fallen.wait-duration=100ms",
                    "resilience.retry.instances.async.max-attempts=2",
                    "resilience.retry.instances.async.wait-duration=1s",
                    "resilience.retry.instances.reactive.max-attempts=2",
                    "resilience.retry.instances.reactive.wait-duration=0ms",
                    "resilience.timeout.instances.slow.duration=1s",
                    "resilience.timeout.instances.async-slow.duration=1s");

    private ApplicationContextRunner observed() {
        registry.observationConfig().observationHandler(events);
        return runner.withBean(ObservationRegistry.class, () -> registry);
    }

    @AfterEach
    void stop() {
        elsewhere.shutdownNow();
    }

    @Test
    void aSuccessfulCallIsOneObservationNamedAfterItsInstance() {
        observed().run(context -> {
            assertThat(context.getBean(Backend.class).succeed()).isEqualTo("ok");

            TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsEqualTo(1)
                    .hasObservationWithNameEqualTo("resilience.call").that()
                    .hasContextualNameEqualTo("resilience calls")
                    .hasLowCardinalityKeyValue("name", "calls")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .doesNotHaveError()
                    .hasBeenStarted().hasBeenStopped();
            assertThat(events.all()).isEmpty();
        });
    }

    @Test
    void theMethodRunsInsideItsObservation() {
        observed().run(context -> {
            Observation inside = context.getBean(Backend.class).current();

            assertThat(inside).isNotNull();
            assertThat(inside.getContext()).isInstanceOfSatisfying(ResilienceObservationContext.class,
                    call -> assertThat(call.getInstanceName()).isEqualTo("calls"));
            assertThat(registry.getCurrentObservation()).as("the scope is closed after the call").isNull();
        });
    }

    @Test
    void aFailureIsTheObservationsError() {
        observed().run(context -> {
            assertThatThrownBy(() -> context.getBean(Backend.class).fail()).isInstanceOf(IOException.class);

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasNameEqualTo("resilience.call")
                    .hasLowCardinalityKeyValue("name", "calls")
                    .hasLowCardinalityKeyValue("outcome", "failure")
                    .assertThatError().isInstanceOf(IOException.class).hasMessage("down");
        });
    }

    @Test
    void eachRetryIsAnEventOnTheCallsOneObservation() {
        observed().run(context -> {
            assertThat(context.getBean(Backend.class).flaky()).isEqualTo("ok on attempt 3");

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "retried")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasEvent("retry", "retry retried: attempt 1 failed, next in 100ms (IOException)")
                    .hasEvent("retry", "retry retried: attempt 2 failed, next in 100ms (IOException)")
                    .doesNotHaveError();
            assertThat(events.names()).containsExactly("retry", "retry");
        });
    }

    @Test
    void aFallbackIsAnEventAndTheOutcome() {
        observed().run(context -> {
            assertThat(context.getBean(Backend.class).failsOver()).isEqualTo("spare");

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "fallen")
                    .hasLowCardinalityKeyValue("outcome", "fallback")
                    .hasEvent("retry")
                    .hasEvent("fallback", "fallback Backend.failsOver for IOException")
                    .doesNotHaveError();
            assertThat(events.names()).containsExactly("retry", "fallback");
        });
    }

    @Test
    void aCallRejectedByAnOpenBreakerIsRejected() {
        observed().run(context -> {
            context.getBean(CircuitBreakerRegistry.class).instance("opened")
                    .transitionTo(dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN);

            assertThatThrownBy(() -> context.getBean(Backend.class).guarded())
                    .isInstanceOf(CircuitBreakerOpenException.class);

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "opened")
                    .hasLowCardinalityKeyValue("outcome", "rejected")
                    .hasEvent("rejected", "rejected by circuitbreaker opened")
                    .assertThatError().isInstanceOf(CircuitBreakerOpenException.class);
            assertThat(events.names()).containsExactly("rejected");
        });
    }

    @Test
    void aTimeoutIsAnEventAndTheOutcome() {
        observed().run(context -> {
            assertThatThrownBy(() -> context.getBean(Backend.class).slow())
                    .isInstanceOf(TimeoutExceededException.class);

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "slow")
                    .hasLowCardinalityKeyValue("outcome", "timeout")
                    .hasEvent("timeout", "timeout slow after PT1S")
                    .assertThatError().isInstanceOf(TimeoutExceededException.class);
            assertThat(events.names()).containsExactly("timeout");
        });
    }

    @Test
    void anAsynchronousCallIsObservedUntilItsFutureCompletesWithItsRetryFromAnotherThread() {
        observed().run(context -> {
            Backend backend = context.getBean(Backend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            CompletableFuture<String> result = backend.async();
            assertThat(result).isNotDone();
            // The method's first future fails on another thread, where nothing of the caller's context is.
            elsewhere.execute(() -> backend.firstAttempt().completeExceptionally(new IOException("first")));
            awaitPendingTasks(clock, 1); // the retry is scheduled

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "async")
                    .hasEvent("retry", "retry async: attempt 1 failed, next in 1000ms (IOException)")
                    .isNotStopped();

            clock.advance(Duration.ofSeconds(1));
            assertThat(result).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("ok on attempt 2");
            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasBeenStopped();
            assertThat(backend.asyncObservations()).as("each attempt runs in the call's observation")
                    .hasSize(2).allSatisfy(observation -> assertThat(observation).isNotNull()
                            .extracting(Observation::getContext).isInstanceOf(ResilienceObservationContext.class));
            assertThat(events.names()).containsExactly("retry");
        });
    }

    @Test
    void anAsynchronousTimeoutEndsTheObservationAsTimedOut() {
        observed().run(context -> {
            Backend backend = context.getBean(Backend.class);

            CompletableFuture<String> result = backend.asyncNever();
            context.getBean(ManualClock.class).advance(Duration.ofSeconds(1));

            assertThat(result).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .withCauseInstanceOf(TimeoutExceededException.class);
            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "async-slow")
                    .hasLowCardinalityKeyValue("outcome", "timeout")
                    .hasEvent("timeout")
                    .hasBeenStopped();
        });
    }

    @Test
    void aMonoIsObservedFromSubscriptionToItsValueWithItsRetry() {
        observed().run(context -> {
            Backend backend = context.getBean(Backend.class);
            Mono<String> mono = backend.mono();
            TestObservationRegistryAssert.assertThat(registry).as("nothing before subscription")
                    .doesNotHaveAnyObservation();

            StepVerifier.create(mono).expectNext("ok on attempt 2").verifyComplete();

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "reactive")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasEvent("retry", "retry reactive: attempt 1 failed, next in 0ms (IOException)")
                    .hasBeenStopped();
            assertThat(events.names()).containsExactly("retry");
            assertThat(backend.reactiveParents()).as("each attempt's subscription carries the observation")
                    .hasSize(2).allSatisfy(parent -> assertThat(parent).isInstanceOf(Observation.class));
        });
    }

    @Test
    void aFluxIsObservedUntilItCompletes() {
        observed().run(context -> {
            StepVerifier.create(context.getBean(Backend.class).flux(), 1)
                    .expectNext("a")
                    .then(() -> TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                            .as("still running after its first element").isNotStopped())
                    .thenRequest(1)
                    .expectNext("b").verifyComplete();

            TestObservationRegistryAssert.assertThat(registry).hasSingleObservationThat()
                    .hasLowCardinalityKeyValue("name", "reactive-flux")
                    .hasLowCardinalityKeyValue("outcome", "success")
                    .hasBeenStopped();
        });
    }

    @Test
    void aMonoSubscribedTwiceIsTwoObservationsAndACancelledOneIsCancelled() {
        observed().run(context -> {
            Mono<String> never = context.getBean(Backend.class).monoNever();

            StepVerifier.create(never).thenAwait(Duration.ofMillis(10)).thenCancel().verify();
            StepVerifier.create(never).thenCancel().verify();

            TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsEqualTo(2)
                    .forAllObservationsWithNameEqualTo("resilience.call", observation -> observation
                            .hasLowCardinalityKeyValue("outcome", "cancelled").doesNotHaveError());
        });
    }

    @Test
    void aMethodWithSeveralNamesIsObservedUnderItsOutermostPolicysName() {
        observed().run(context -> {
            context.getBean(Backend.class).twoNames();
            context.getBean(Backend.class).onlyFallback();

            TestObservationRegistryAssert.assertThat(registry).hasNumberOfObservationsEqualTo(2)
                    .hasAnObservationWithAKeyValue("name", "outer")
                    .hasAnObservationWithAKeyValue("name", "Backend.onlyFallback");
        });
    }

    @Test
    void aConventionBeanNamesAndTagsTheObservations() {
        observed().withBean(ResilienceObservationConvention.class, () -> new DefaultResilienceObservationConvention() {
            @Override
            public String getName() {
                return "app.protected.call";
            }

            @Override
            public KeyValues getLowCardinalityKeyValues(ResilienceObservationContext context) {
                return super.getLowCardinalityKeyValues(context).and("kind", context.getKind().name());
            }
        }).run(context -> {
            context.getBean(Backend.class).succeed();

            TestObservationRegistryAssert.assertThat(registry).hasObservationWithNameEqualTo("app.protected.call")
                    .that().hasLowCardinalityKeyValue("kind", "METHOD")
                    .hasLowCardinalityKeyValue("outcome", "success");
        });
    }

    @Test
    void withoutAnObservationRegistryNothingIsObservedAndTheInterceptorKeepsItsPlainPath() {
        runner.run(context -> {
            MethodPipeline succeed = pipelineOf(context, "succeed");
            assertThat(succeed.observed()).isNull();
            assertThat(succeed.plain()).isTrue();
            assertThat(pipelineOf(context, "async").observed()).isNull();
            assertThat(context.getBean(Backend.class).succeed()).isEqualTo("ok");
        });
    }

    @Test
    void aNoopRegistryOrOneWithoutHandlersObservesNothingAndIsNeverAskedPerCall() {
        ObservationRegistry withoutHandlers = ObservationRegistry.create();
        for (ObservationRegistry noop : List.of(ObservationRegistry.NOOP, withoutHandlers)) {
            runner.withBean(ObservationRegistry.class, () -> noop).run(context -> {
                MethodPipeline succeed = pipelineOf(context, "succeed");
                assertThat(succeed.observed()).isNull();
                assertThat(succeed.plain()).isTrue();

                // A handler added now is never told: whether to observe was decided when the pipeline was built.
                EventRecorder late = new EventRecorder();
                if (noop == withoutHandlers) {
                    withoutHandlers.observationConfig().observationHandler(late);
                }
                assertThat(context.getBean(Backend.class).succeed()).isEqualTo("ok");
                assertThat(late.started).hasValue(0);
            });
        }
    }

    @Test
    void withARegistryThePipelineIsObservedAndLeavesThePlainPath() {
        observed().run(context -> {
            MethodPipeline succeed = pipelineOf(context, "succeed");
            assertThat(succeed.observed()).isNotNull();
            assertThat(succeed.observed().instanceName()).isEqualTo("calls");
            assertThat(succeed.plain()).isFalse();
        });
    }

    private static MethodPipeline pipelineOf(ApplicationContext context, String method) throws Exception {
        Advised proxy = (Advised) context.getBean(Backend.class);
        java.lang.reflect.Method target = Backend.class.getMethod(method);
        for (org.springframework.aop.Advisor advisor : proxy.getAdvisors()) {
            if (advisor.getAdvice() instanceof ResilienceMethodInterceptor interceptor
                    && ((org.springframework.aop.PointcutAdvisor) advisor).getPointcut().getMethodMatcher()
                            .matches(target, Backend.class)) {
                return interceptor.pipeline();
            }
        }
        throw new AssertionError("no pipeline for " + method);
    }

    private static void awaitPendingTasks(ManualClock clock, int tasks) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (clock.pendingTasks() < tasks && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(clock.pendingTasks()).isEqualTo(tasks);
    }

    /** Records the events every observation receives, in order. */
    static final class EventRecorder implements ObservationHandler<Observation.Context> {

        final List<Observation.Event> received = new CopyOnWriteArrayList<>();
        final AtomicInteger started = new AtomicInteger();

        @Override
        public void onStart(Observation.Context context) {
            started.incrementAndGet();
        }

        @Override
        public void onEvent(Observation.Event event, Observation.Context context) {
            received.add(event);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

        List<Observation.Event> all() {
            return List.copyOf(received);
        }

        List<String> names() {
            return received.stream().map(Observation.Event::getName).toList();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        Backend backend(ManualClock clock, ExecutorService elsewhere, ObjectProviderHolder registry) {
            return new Backend(clock, elsewhere, registry);
        }

        @Bean
        ObjectProviderHolder observationRegistryHolder(
                org.springframework.beans.factory.ObjectProvider<ObservationRegistry> registry) {
            return new ObjectProviderHolder(registry);
        }
    }

    /** The registry, if the context has one, for the backend to read the current observation. */
    record ObjectProviderHolder(org.springframework.beans.factory.ObjectProvider<ObservationRegistry> registry) {

        Observation current() {
            ObservationRegistry found = registry.getIfAvailable();
            return found == null ? null : found.getCurrentObservation();
        }
    }

    static class Backend {

        private final ManualClock clock;
        private final ObjectProviderHolder registry;
        private final AtomicInteger flakyCalls = new AtomicInteger();
        private final AtomicInteger asyncCalls = new AtomicInteger();
        private final AtomicInteger reactiveCalls = new AtomicInteger();
        final List<Observation> asyncObservations = new CopyOnWriteArrayList<>();
        /** What the first call of {@link #async()} returns; the test fails it from another thread. */
        final CompletableFuture<String> firstAttempt = new CompletableFuture<>();
        final List<Object> reactiveParents = new CopyOnWriteArrayList<>();

        // Read through the proxy (a class proxy's own fields stay empty).
        public CompletableFuture<String> firstAttempt() {
            return firstAttempt;
        }

        public List<Observation> asyncObservations() {
            return asyncObservations;
        }

        public List<Object> reactiveParents() {
            return reactiveParents;
        }

        Backend(ManualClock clock, ExecutorService elsewhere, ObjectProviderHolder registry) {
            this.clock = clock;
            this.registry = registry;
        }

        @CircuitBreaker(name = "calls")
        public String succeed() {
            return "ok";
        }

        @CircuitBreaker(name = "calls")
        public Observation current() {
            return registry.current();
        }

        @CircuitBreaker(name = "calls")
        public String fail() throws IOException {
            throw new IOException("down");
        }

        @Retry(name = "retried")
        public String flaky() throws IOException {
            int attempt = flakyCalls.incrementAndGet();
            if (attempt < 3) {
                throw new IOException("flaky " + attempt);
            }
            return "ok on attempt " + attempt;
        }

        @Retry(name = "fallen")
        @Fallback(method = "spare")
        public String failsOver() throws IOException {
            throw new IOException("down");
        }

        String spare(IOException failure) {
            return "spare";
        }

        @CircuitBreaker(name = "opened")
        public String guarded() {
            return "ok";
        }

        /** Runs past its deadline: the manual clock's timer interrupts this thread. */
        @Timeout(name = "slow")
        public String slow() {
            clock.advance(Duration.ofSeconds(2));
            return "late";
        }

        /** The first attempt fails on another thread, the second succeeds at once. */
        @Retry(name = "async")
        public CompletableFuture<String> async() {
            asyncObservations.add(registry.current());
            int attempt = asyncCalls.incrementAndGet();
            if (attempt == 1) {
                return firstAttempt;
            }
            return CompletableFuture.completedFuture("ok on attempt " + attempt);
        }

        @Timeout(name = "async-slow")
        public CompletableFuture<String> asyncNever() {
            return new CompletableFuture<>();
        }

        @Retry(name = "reactive")
        public Mono<String> mono() {
            return Mono.deferContextual(view -> {
                reactiveParents.add(view.getOrDefault(
                        io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor.KEY, null));
                int attempt = reactiveCalls.incrementAndGet();
                return attempt == 1 ? Mono.error(new IOException("first")) : Mono.just("ok on attempt " + attempt);
            });
        }

        @Retry(name = "reactive-flux")
        public reactor.core.publisher.Flux<String> flux() {
            return reactor.core.publisher.Flux.just("a", "b");
        }

        @Retry(name = "reactive-never")
        public Mono<String> monoNever() {
            return Mono.never();
        }

        @Retry(name = "outer")
        @CircuitBreaker(name = "inner")
        public String twoNames() {
            return "ok";
        }

        @Fallback(method = "spare")
        public String onlyFallback() {
            return "ok";
        }

        String spare() {
            return "spare";
        }
    }
}

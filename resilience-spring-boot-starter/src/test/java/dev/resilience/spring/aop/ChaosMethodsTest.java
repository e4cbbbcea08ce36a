package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.chaos.InjectedFaultException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Fault injection on annotated methods, configured in yml: which methods get a chaos instance, rates within
 * statistical bounds over 10^5 seeded calls, delays on the clock, and outer policies that react to injected
 * faults as to real ones.
 */
class ChaosMethodsTest {

    private static final int CALLS = 100_000;
    private static final long SEED = 20_261_128L;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.chaos.enabled=true",
                    "resilience.chaos.instances.rated.fault-rate=0.3",
                    "resilience.chaos.instances.rated.latency=10ms",
                    "resilience.chaos.instances.rated.latency-rate=0.2",
                    "resilience.chaos.instances.slow.latency=2s",
                    "resilience.chaos.instances.slow.latency-rate=1",
                    "resilience.chaos.instances.guarded.fault-rate=1",
                    "resilience.chaos.instances.guarded.exception=java.io.IOException",
                    "resilience.retry.instances.guarded.max-attempts=3",
                    "resilience.retry.instances.guarded.wait-duration=0ms",
                    "resilience.circuitbreaker.instances.guarded.sliding-window-size=6",
                    "resilience.circuitbreaker.instances.guarded.minimum-number-of-calls=6",
                    "resilience.chaos.instances[ChaosBackend.ownName].fault-rate=1",
                    "resilience.chaos.instances.dormant.fault-rate=1",
                    "resilience.chaos.instances.dormant.enabled=false");

    @Test
    void faultAndLatencyRatesStayWithinFiveSigmaOfTheirExpectationOverTenToTheFiveSeededCalls() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);
            Chaos rated = context.getBean(ChaosRegistry.class).instance("rated");

            int injected = 0;
            for (int i = 0; i < CALLS; i++) {
                try {
                    backend.rated();
                } catch (InjectedFaultException expected) {
                    injected++;
                }
            }

            assertWithinFiveSigma("faults", injected, CALLS, 0.3);
            assertThat(rated.injectedFaults()).isEqualTo(injected);
            assertThat(backend.calls("rated")).as("the method ran for every call not failed")
                    .isEqualTo(CALLS - injected);
            assertWithinFiveSigma("delays", rated.injectedLatencies(), CALLS, 0.2);
            assertThat(clock.slept()).as("each delay slept 10ms on the clock")
                    .isEqualTo(Duration.ofMillis(10).multipliedBy(rated.injectedLatencies()));
        });
    }

    @Test
    void theSameSeedInjectsTheSameFaultsIntoTheSameCalls() {
        StringBuilder first = new StringBuilder();
        StringBuilder second = new StringBuilder();
        runner.run(context -> record(context.getBean(ChaosBackend.class), first));
        runner.run(context -> record(context.getBean(ChaosBackend.class), second));
        assertThat(first).hasSize(1_000).contains("x").contains(".");
        assertThat(second).hasToString(first.toString());
    }

    private static void record(ChaosBackend backend, StringBuilder outcomes) {
        for (int i = 0; i < 1_000; i++) {
            try {
                backend.rated();
                outcomes.append('.');
            } catch (InjectedFaultException injected) {
                outcomes.append('x');
            }
        }
    }

    /** Binomial(n, p): the count within 5 standard deviations of n·p. */
    private static void assertWithinFiveSigma(String what, long count, int n, double p) {
        double mean = n * p;
        double sigma = Math.sqrt(n * p * (1 - p));
        assertThat((double) count).as("%s: %d of %d, expected %.0f ± %.0f", what, count, n, mean, 5 * sigma)
                .isBetween(mean - 5 * sigma, mean + 5 * sigma);
    }

    @Test
    void aSynchronousCallIsDelayedOnTheCallersThreadThroughTheClock() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);
            long before = clock.nanoTime();

            assertThat(backend.slow()).isEqualTo("slow");

            assertThat(clock.slept()).isEqualTo(Duration.ofSeconds(2));
            assertThat(backend.ranAtNanos()).as("the method ran after the delay").isEqualTo(before
                    + Duration.ofSeconds(2).toNanos());
        });
    }

    @Test
    void anAsynchronousCallIsDelayedOnTheClocksTimerWithoutBlockingAThread() throws Exception {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            ManualClock clock = context.getBean(ManualClock.class);

            CompletableFuture<String> result = backend.slowAsync();

            assertThat(result).as("the caller is not held").isNotDone();
            assertThat(backend.calls("slowAsync")).isZero();
            assertThat(clock.pendingTasks()).as("the delay is a timer task").isEqualTo(1);
            assertThat(clock.slept()).as("no thread slept").isZero();

            clock.advance(Duration.ofSeconds(2));
            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("slow async");
            assertThat(backend.calls("slowAsync")).isEqualTo(1);
        });
    }

    @Test
    void outerPoliciesReactToInjectedFaultsAsToRealOnes() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);

            Throwable first = catchThrowable(backend::guarded);
            assertThat(first).isInstanceOf(IOException.class).hasMessage("injected by chaos 'guarded'");
            assertThat(InjectedFaultException.isInjected(first)).isTrue();
            assertThat(context.getBean(RetryRegistry.class).instance("guarded").failedWithRetry())
                    .as("three attempts, all injected").isEqualTo(1);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("guarded").failedCalls())
                    .isEqualTo(3);

            assertThatThrownBy(backend::guarded).isInstanceOf(IOException.class);
            var breaker = context.getBean(CircuitBreakerRegistry.class).instance("guarded");
            assertThat(breaker.failedCalls()).isEqualTo(6);
            assertThat(breaker.state()).as("six injected failures out of six").isEqualTo(
                    dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN);
            assertThat(backend.calls("guarded")).as("the method itself never ran").isZero();
            assertThat(context.getBean(ChaosRegistry.class).instance("guarded").injectedFaults()).isEqualTo(6);
        });
    }

    @Test
    void aReactiveMethodFailsWithTheInjectedFault() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            StepVerifier.create(backend.guardedMono())
                    .expectErrorSatisfies(error -> {
                        assertThat(error).isInstanceOf(IOException.class);
                        assertThat(InjectedFaultException.isInjected(error)).isTrue();
                    })
                    .verify(Duration.ofSeconds(5));
            assertThat(backend.calls("guardedMono")).isZero();
        });
    }

    @Test
    void aMethodGetsTheInstanceOfItsDefaultNameBeforeThoseOfItsPolicies() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            ResiliencePipeline pipeline = pipelineOf(backend, "ownName");
            assertThat(pipeline.chaos().name()).isEqualTo("ChaosBackend.ownName");
            assertThatThrownBy(backend::ownName).isInstanceOf(InjectedFaultException.class);
        });
    }

    @Test
    void aMethodWithoutAConfiguredNameHasNoChaosStage() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            assertThat(pipelineOf(backend, "unconfigured").chaos()).isNull();
            assertThat(pipelineOf(backend, "unconfigured").toString()).doesNotContain("Chaos[");
            assertThat(backend.unconfigured()).isEqualTo("plain");
            assertThat(context.getBean(ChaosRegistry.class).names()).as("built for configured names only")
                    .containsExactlyInAnyOrder("rated", "slow", "guarded", "ChaosBackend.ownName", "dormant");
        });
    }

    @Test
    void anInstanceConfiguredOffIsWiredInAndInjectsOnceSwitchedOn() {
        runner.run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            Chaos dormant = context.getBean(ChaosRegistry.class).instance("dormant");
            assertThat(pipelineOf(backend, "dormant").chaos()).isSameAs(dormant);
            assertThat(backend.dormant()).isEqualTo("dormant");

            dormant.enable(true);
            assertThatThrownBy(backend::dormant).isInstanceOf(InjectedFaultException.class);

            dormant.enable(false);
            assertThat(backend.dormant()).isEqualTo("dormant");
        });
    }

    @Test
    void withChaosDisabledNoPipelineHasAChaosStageWhateverTheInstancesSay() {
        runner.withPropertyValues("resilience.chaos.enabled=false").run(context -> {
            ChaosBackend backend = context.getBean(ChaosBackend.class);
            for (String method : new String[] { "rated", "slow", "guarded", "ownName", "dormant", "unconfigured" }) {
                assertThat(pipelineOf(backend, method).chaos()).as(method).isNull();
            }
            for (int i = 0; i < 1_000; i++) {
                backend.rated();
            }
            assertThat(backend.guarded()).isEqualTo("guarded");
            assertThat(backend.slow()).isEqualTo("slow");
            assertThat(context.getBean(ManualClock.class).slept()).isZero();
            assertThat(context.getBean(ChaosRegistry.class).names()).isEmpty();
        });
    }

    @Test
    void chaosIsOffWhenNotConfiguredAtAll() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
                .withUserConfiguration(Config.class).run(context -> {
                    ChaosBackend backend = context.getBean(ChaosBackend.class);
                    assertThat(pipelineOf(backend, "guarded").chaos()).isNull();
                    assertThat(backend.guarded()).isEqualTo("guarded");
                });
    }

    /** The pipeline our advisor runs for {@code method} of {@code bean}. */
    static ResiliencePipeline pipelineOf(Object bean, String method) {
        for (Advisor advisor : ((Advised) bean).getAdvisors()) {
            if (advisor.getAdvice() instanceof ResilienceMethodInterceptor interceptor
                    && interceptor.pipeline().pipeline().description().endsWith("." + method)) {
                return interceptor.pipeline().pipeline();
            }
        }
        throw new AssertionError("no pipeline for " + method);
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        /** The test's seeded source: every chaos instance draws from it. */
        @Bean
        ChaosRandom chaosRandom() {
            return ChaosRandom.seeded(SEED);
        }

        @Bean
        ChaosBackend chaosBackend(ManualClock clock) {
            return new ChaosBackend(clock);
        }
    }

    static class ChaosBackend {

        private final ManualClock clock;
        private final java.util.Map<String, AtomicInteger> calls = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicLong ranAtNanos = new java.util.concurrent.atomic.AtomicLong(-1);

        ChaosBackend(ManualClock clock) {
            this.clock = clock;
        }

        long ranAtNanos() {
            return ranAtNanos.get();
        }

        int calls(String method) {
            AtomicInteger count = calls.get(method);
            return count == null ? 0 : count.get();
        }

        private void called(String method) {
            calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
        }

        @Bulkhead(name = "rated")
        public String rated() {
            called("rated");
            return "rated";
        }

        @Bulkhead(name = "slow")
        public String slow() {
            called("slow");
            ranAtNanos.set(clock.nanoTime());
            return "slow";
        }

        @Bulkhead(name = "slow")
        public CompletableFuture<String> slowAsync() {
            called("slowAsync");
            return CompletableFuture.completedFuture("slow async");
        }

        @Retry(name = "guarded")
        @CircuitBreaker(name = "guarded")
        public String guarded() throws IOException {
            called("guarded");
            return "guarded";
        }

        @Bulkhead(name = "guarded")
        public Mono<String> guardedMono() {
            return Mono.fromSupplier(() -> {
                called("guardedMono");
                return "guarded mono";
            });
        }

        /** Its default name and its breaker's name both have an instance: the default name's wins. */
        @CircuitBreaker(name = "dormant")
        public String ownName() {
            called("ownName");
            return "own name";
        }

        @Bulkhead(name = "dormant")
        public String dormant() {
            called("dormant");
            return "dormant";
        }

        @Bulkhead(name = "unconfigured")
        public String unconfigured() {
            called("unconfigured");
            return "plain";
        }
    }
}

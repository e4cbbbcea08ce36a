package dev.resilience.core.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.event.EventType;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.test.ManualClock;

/** Fault injection right around the call: seeded rates, marked faults, delays on the clock, switched at run time. */
class ChaosTest {

    private static final int CALLS = 100_000;

    private final ManualClock clock = new ManualClock();

    private Chaos chaos(ChaosConfig config, long seed) {
        return Chaos.of("chaos", config, clock, ChaosRandom.seeded(seed));
    }

    @Test
    void aSeededFaultRateHitsItsShareWithinStatisticalBounds() {
        Chaos chaos = chaos(ChaosConfig.builder().faultRate(0.3).build(), 42);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).build();
        int failed = 0;
        for (int i = 0; i < CALLS; i++) {
            try {
                pipeline.get(() -> "ok");
            } catch (InjectedFaultException injected) {
                failed++;
            }
        }
        // Binomial(10^5, 0.3): standard deviation ≈ 145; five of them either side.
        assertThat(failed).isBetween(30_000 - 725, 30_000 + 725);
        assertThat(chaos.injectedFaults()).isEqualTo(failed);
    }

    @Test
    void theSameSeedHitsTheSameCalls() {
        List<Integer> first = hits(7);
        List<Integer> second = hits(7);

        assertThat(first).isEqualTo(second).isNotEqualTo(hits(8));
    }

    private List<Integer> hits(long seed) {
        Chaos chaos = chaos(ChaosConfig.builder().faultRate(0.1).build(), seed);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).build();
        List<Integer> hit = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            try {
                pipeline.get(() -> "ok");
            } catch (InjectedFaultException injected) {
                hit.add(i);
            }
        }
        return hit;
    }

    @Test
    void aSeededLatencyRateDelaysItsShareOnTheClock() {
        Chaos chaos = chaos(ChaosConfig.builder().latency(Duration.ofMillis(10)).latencyRate(0.25).build(), 3);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).build();

        for (int i = 0; i < CALLS; i++) {
            pipeline.get(() -> "ok");
        }

        // Binomial(10^5, 0.25): standard deviation ≈ 137.
        assertThat(chaos.injectedLatencies()).isBetween(25_000L - 685, 25_000L + 685);
        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(10).multipliedBy(chaos.injectedLatencies()));
    }

    @Test
    void anInjectedExceptionOfTheConfiguredTypeIsMarkedAsInjected() {
        Chaos chaos = chaos(ChaosConfig.builder().faultRate(1).exception(IOException.class).build(), 1);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).build();

        assertThatThrownBy(() -> pipeline.execute(() -> "ok"))
                .isInstanceOf(IOException.class).hasMessage("injected by chaos 'chaos'")
                .satisfies(fault -> assertThat(InjectedFaultException.isInjected(fault)).isTrue());
        assertThat(InjectedFaultException.isInjected(new IOException("real"))).isFalse();
    }

    @Test
    void outerPoliciesReactAsToARealFault() {
        Chaos chaos = chaos(ChaosConfig.builder().faultRate(1).exception(IOException.class).build(), 1);
        CircuitBreaker breaker = CircuitBreaker.of("breaker", CircuitBreakerConfig.builder().build(), clock);
        Retry retry = Retry.of("retry", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).build(),
                clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(breaker).chaos(chaos)
                .build();

        assertThatThrownBy(() -> pipeline.execute(() -> "ok")).isInstanceOf(IOException.class);

        assertThat(breaker.failedCalls()).as("every attempt counted as a failure").isEqualTo(3);
        assertThat(chaos.injectedFaults()).isEqualTo(3);
    }

    @Test
    void switchedOffItInjectsNothingAndSwitchedOnAtRunTimeItDoes() {
        Chaos chaos = chaos(ChaosConfig.builder().faultRate(1).enabled(false).build(), 1);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).build();
        List<EventType> events = new ArrayList<>();
        chaos.events().onEvent(event -> events.add(event.type()));

        assertThat(pipeline.get(() -> "ok")).isEqualTo("ok");
        chaos.enable(true);
        assertThatThrownBy(() -> pipeline.get(() -> "ok")).isInstanceOf(InjectedFaultException.class);
        chaos.configure(ChaosConfig.builder().faultRate(0).build());
        assertThat(pipeline.get(() -> "ok")).isEqualTo("ok");

        assertThat(events).containsExactly(EventType.CHAOS_CHANGED, EventType.CHAOS_FAULT_INJECTED,
                EventType.CHAOS_CHANGED);
    }

    @Test
    void anAsynchronousCallIsDelayedOnTheTimerAndFailedAsAFuture() {
        Chaos chaos = chaos(ChaosConfig.builder().latency(Duration.ofSeconds(1)).latencyRate(1).faultRate(1).build(),
                1);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().chaos(chaos).asyncExecutor(Runnable::run)
                .clock(clock).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> CompletableFuture.completedFuture("ok"));

        assertThat(result).isNotDone();
        assertThat(clock.slept()).as("no thread slept").isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(result::join).hasCauseInstanceOf(InjectedFaultException.class);
    }

    @Test
    void invalidSettingsNameTheSetting() {
        assertThatThrownBy(() -> ChaosConfig.builder().faultRate(1.5).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("faultRate");
        assertThatThrownBy(() -> ChaosConfig.builder().latencyRate(-0.1).build()).hasMessageContaining("latencyRate");
        assertThatThrownBy(() -> ChaosConfig.builder().exception(Abstract.class).build())
                .hasMessageContaining("exception");
        assertThatThrownBy(() -> ChaosConfig.builder().status(700).build()).hasMessageContaining("status");
    }

    abstract static class Abstract extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }
}

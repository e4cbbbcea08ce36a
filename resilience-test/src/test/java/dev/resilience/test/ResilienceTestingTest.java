package dev.resilience.test;

import static dev.resilience.test.ResilienceAssertions.assertThat;
import static dev.resilience.test.ResilienceAssertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;

class ResilienceTestingTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void resetsPoliciesRegistriesAndPipelines() throws InterruptedException {
        CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);
        registry.instance("a").transitionTo(CircuitBreaker.State.OPEN);
        registry.instance("b").transitionTo(CircuitBreaker.State.FORCED_OPEN);
        Bulkhead bulkhead = Bulkhead.of("bh", BulkheadConfig.builder().maxConcurrentCalls(1).build(), clock);
        bulkhead.tryAcquire("inside");
        bulkhead.tryAcquire("rejected");
        Retry retry = Retry.of("r", RetryConfig.ofDefaults(), clock);
        CircuitBreaker inPipeline = CircuitBreaker.ofDefaults("p");
        inPipeline.transitionTo(CircuitBreaker.State.OPEN);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).circuitBreaker(inPipeline).build();

        ResilienceTesting.reset(registry, bulkhead, pipeline);

        assertThat(registry.instance("a")).isClosed();
        assertThat(registry.instance("b")).isClosed();
        assertThat(bulkhead).hasRejectedCalls(0).hasActiveCalls(1);
        assertThat(inPipeline).isClosed();
        assertThatIllegalArgumentException().isThrownBy(() -> ResilienceTesting.reset(clock))
                .withMessageStartingWith("cannot reset ManualClock[2026-01-01T00:00:00Z]");
    }

    @Test
    void seededChaosHitsTheSameCallsOnEveryRun() {
        ChaosConfig half = ChaosConfig.builder().enabled(true).faultRate(0.5).build();
        List<Boolean> first = draws(seeded(half, 42), 50);
        List<Boolean> second = draws(seeded(half, 42), 50);
        List<Boolean> other = draws(seeded(half, 7), 50);

        assertThat(first).isEqualTo(second).contains(true, false);
        assertThat(other).isNotEqualTo(first);
        // The same sequence as the core's own seeded source.
        Chaos reference = Chaos.of("reference", half, clock, ChaosRandom.seeded(42));
        assertThat(draws(reference, 50)).isEqualTo(first);
    }

    @Test
    void aSeededRegistrySeedsItsInstancesNowAndLater() {
        ChaosRegistry registry = new ChaosRegistry(clock);
        registry.configureDefault(base -> ChaosConfig.from(base).enabled(true).faultRate(0.5).build());
        Chaos early = registry.instance("early");

        ResilienceTesting.seedChaos(42, registry);
        Chaos late = registry.instance("late");

        assertThat(draws(early, 50)).isEqualTo(draws(late, 50))
                .isEqualTo(draws(Chaos.of("reference", early.config(), clock, ChaosRandom.seeded(42)), 50));
        assertThatIllegalArgumentException().isThrownBy(() -> ResilienceTesting.seedChaos(1, "chaos"));
    }

    @Test
    void forcesABreakerIntoAnyState() {
        CircuitBreaker breaker = CircuitBreaker.of("b", dev.resilience.core.circuitbreaker.CircuitBreakerConfig
                .builder().waitDurationInOpenState(Duration.ofSeconds(3)).build(), clock);
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            assertThat(ResilienceTesting.forceState(breaker, state)).hasState(state);
        }
    }

    private Chaos seeded(ChaosConfig config, long seed) {
        Chaos chaos = Chaos.of("chaos", config, clock);
        ResilienceTesting.seedChaos(seed, chaos);
        return chaos;
    }

    private static List<Boolean> draws(Chaos chaos, int calls) {
        List<Boolean> hits = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            hits.add(chaos.injectFault());
        }
        return hits;
    }
}

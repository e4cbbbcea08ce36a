package dev.resilience.test;

import java.util.Objects;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;

/**
 * Puts policies into the state a test needs, without Spring. The Spring support
 * ({@link dev.resilience.test.spring.ResilienceTest @ResilienceTest}) does the same to the application's beans.
 *
 * <p>What a reset means, per policy (each policy's {@code resetToInitialState()}):
 * <ul>
 * <li>circuit breaker: CLOSED with an empty window, every counter at zero, no transition history; no event is
 * published, no transition recorded;</li>
 * <li>retry: counters at zero, its retry budget (if any) empty;</li>
 * <li>timeout: counters at zero (a call still running keeps its deadline);</li>
 * <li>bulkhead: the rejection counter at zero. Calls still inside or waiting stay: only they can leave, so a
 * test that leaves a call hanging leaves it to the next test;</li>
 * <li>rate limiter: its bucket full, per-key buckets dropped, counters at zero. A cluster-wide bucket (scope
 * cluster) lives in the cluster and keeps its state;</li>
 * <li>chaos: the settings and random source it was built with, counters at zero;</li>
 * <li>hedge: counters at zero, no latency measured (a percentile delay uses its fallback again).</li>
 * </ul>
 * Configs are not touched, and instances are not rebuilt: whatever holds one (an annotated bean's pipeline,
 * a protected HTTP client) keeps the same, now fresh, object. Event listeners stay subscribed.
 */
public final class ResilienceTesting {

    private ResilienceTesting() {
    }

    /**
     * Resets each source to its initial state (see the class comment): a policy; a registry (every instance it
     * has built); or a pipeline (each of its policies).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static void reset(Object... sources) {
        for (Object source : sources) {
            resetOne(Objects.requireNonNull(source, "source"));
        }
    }

    private static void resetOne(Object source) {
        if (!resetIfPolicy(source)) {
            throw new IllegalArgumentException("cannot reset " + source + " (" + source.getClass().getName()
                    + "): give a policy, a registry or a pipeline");
        }
    }

    /** Resets {@code source} if it is a policy, registry or pipeline; {@code false} when it is none of them. */
    static boolean resetIfPolicy(Object source) {
        if (source instanceof CircuitBreaker breaker) {
            breaker.resetToInitialState();
        } else if (source instanceof Retry retry) {
            retry.resetToInitialState();
        } else if (source instanceof Timeout timeout) {
            timeout.resetToInitialState();
        } else if (source instanceof Bulkhead bulkhead) {
            bulkhead.resetToInitialState();
        } else if (source instanceof RateLimiter limiter) {
            limiter.resetToInitialState();
        } else if (source instanceof Chaos chaos) {
            chaos.resetToInitialState();
        } else if (source instanceof dev.resilience.core.hedge.Hedge hedge) {
            hedge.resetToInitialState();
        } else if (source instanceof PolicyRegistry<?, ?> registry) {
            for (Object instance : registry.all()) {
                resetIfPolicy(instance);
            }
        } else if (source instanceof ResiliencePipeline pipeline) {
            for (Object policy : new Object[] { pipeline.retry(), pipeline.circuitBreaker(), pipeline.rateLimiter(),
                    pipeline.timeout(), pipeline.chaos(), pipeline.bulkhead(), pipeline.hedge() }) {
                if (policy != null) {
                    resetIfPolicy(policy);
                }
            }
        } else {
            return false;
        }
        return true;
    }

    /**
     * Moves {@code breaker} to {@code state} by hand, as {@link CircuitBreaker#transitionTo} does (a recorded
     * transition and its event): FORCED_OPEN rejects every call until the state is changed again, OPEN waits
     * its full wait duration on the breaker's clock, HALF_OPEN lets its trial calls through.
     */
    public static CircuitBreaker forceState(CircuitBreaker breaker, CircuitBreaker.State state) {
        breaker.transitionTo(state);
        return breaker;
    }

    /**
     * Makes fault injection deterministic: each {@link Chaos} draws from its own {@link ChaosRandom#seeded(long)
     * ChaosRandom.seeded(seed)}, so the same calls are hit on every run. A {@link ChaosRegistry} seeds the
     * instances it has built and those it builds later (through a listener that stays with the registry).
     *
     * @throws IllegalArgumentException for anything but a {@link Chaos} or a {@link ChaosRegistry}
     */
    public static void seedChaos(long seed, Object... chaosOrRegistries) {
        for (Object target : chaosOrRegistries) {
            if (target instanceof Chaos chaos) {
                chaos.useRandom(ChaosRandom.seeded(seed));
            } else if (target instanceof ChaosRegistry registry) {
                registry.onInstanceCreated(chaos -> chaos.useRandom(ChaosRandom.seeded(seed)));
            } else {
                throw new IllegalArgumentException("cannot seed " + target + ": give a Chaos or a ChaosRegistry");
            }
        }
    }
}

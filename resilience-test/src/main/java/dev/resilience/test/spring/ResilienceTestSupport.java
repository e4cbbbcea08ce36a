package dev.resilience.test.spring;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.test.EventRecorder;
import dev.resilience.test.ManualClock;
import dev.resilience.test.ResilienceTesting;

/**
 * The test's handle on the application's resilience, a bean in every {@link ResilienceTest @ResilienceTest}
 * context: the clock, the policy instances by name, forcing breakers, resetting, seeding fault injection, and
 * the events of every instance.
 *
 * <p>It finds the registries as beans of the core's types ({@code CircuitBreakerRegistry} and the others), so it
 * serves the starter's beans and a hand-made configuration alike. An instance looked up by name is the one an
 * annotated method or protected HTTP client with that name uses (built now, with its configured settings, if
 * nothing has used it yet).
 */
public class ResilienceTestSupport {

    /** The starter's factory of annotated methods' pipelines; looked up by name, the kit does not depend on it. */
    private static final String METHOD_PIPELINE_FACTORY = "dev.resilience.spring.aop.MethodPipelineFactory";

    private final ManualClock clock;
    private final ListableBeanFactory beans;
    private final Set<ChaosRegistry> seededRegistries = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile Long chaosSeed;
    private EventRecorder events;

    public ResilienceTestSupport(ManualClock clock, ListableBeanFactory beans) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.beans = Objects.requireNonNull(beans, "beans");
    }

    /** The application's clock. */
    public ManualClock clock() {
        return clock;
    }

    /** Moves the application's clock forward, running every task that falls due on the way. */
    public void advance(Duration duration) {
        clock.advance(duration);
    }

    /** The circuit breaker called {@code name}. */
    public CircuitBreaker circuitBreaker(String name) {
        return registry(CircuitBreakerRegistry.class).instance(name);
    }

    /** The retry called {@code name}. */
    public Retry retry(String name) {
        return registry(RetryRegistry.class).instance(name);
    }

    /** The timeout called {@code name}. */
    public Timeout timeout(String name) {
        return registry(TimeoutRegistry.class).instance(name);
    }

    /** The bulkhead called {@code name}. */
    public Bulkhead bulkhead(String name) {
        return registry(BulkheadRegistry.class).instance(name);
    }

    /** The rate limiter called {@code name}. */
    public RateLimiter rateLimiter(String name) {
        return registry(RateLimiterRegistry.class).instance(name);
    }

    /** The fault injection called {@code name}, from the {@code ChaosRegistry} bean. */
    public Chaos chaos(String name) {
        return registry(ChaosRegistry.class).instance(name);
    }

    /**
     * Moves the breaker called {@code name} to {@code state}, as {@code CircuitBreaker.transitionTo} does (one
     * recorded transition and its event): FORCED_OPEN rejects every call until it is changed again, OPEN waits
     * its full wait duration on the clock, HALF_OPEN lets its trial calls through, DISABLED lets everything
     * through unrecorded. The next test finds it CLOSED again.
     */
    public CircuitBreaker forceState(String name, CircuitBreaker.State state) {
        return ResilienceTesting.forceState(circuitBreaker(name), state);
    }

    /**
     * Every instance of every registry bean, and every policy bean, back to its initial state (see
     * {@link ResilienceTesting}). Done before each test; call it to start afresh within one.
     */
    public void reset() {
        beans.getBeanProvider(PolicyRegistry.class).orderedStream().forEach(ResilienceTesting::reset);
        for (Class<?> policy : new Class<?>[] { CircuitBreaker.class, Retry.class, Timeout.class, Bulkhead.class,
                RateLimiter.class, Chaos.class }) {
            beans.getBeanProvider(policy).orderedStream().forEach(ResilienceTesting::reset);
        }
    }

    /**
     * From now on each fault injection instance (of the {@code ChaosRegistry} bean, those it builds later
     * included, and {@code Chaos} beans) draws from its own {@code ChaosRandom.seeded(seed)}: the same calls are
     * hit on every run. Works whether or not the application has a {@code ChaosRegistry}. Until the next test:
     * then {@link ResilienceTest#chaosSeed()} applies again.
     */
    public void seedChaos(long seed) {
        chaosSeed = seed;
        beans.getBeanProvider(ChaosRegistry.class).orderedStream().forEach(registry -> {
            boolean listening;
            synchronized (seededRegistries) {
                listening = !seededRegistries.add(registry);
            }
            if (listening) {
                registry.all().forEach(this::applySeed);
            } else {
                // Called for the instances built so far too; stays with the registry, and seeds only while a
                // seed is set.
                registry.onInstanceCreated(this::applySeed);
            }
        });
        beans.getBeanProvider(Chaos.class).orderedStream().forEach(this::applySeed);
    }

    private void applySeed(Chaos chaos) {
        Long seed = chaosSeed;
        if (seed != null) {
            chaos.useRandom(ChaosRandom.seeded(seed));
        }
    }

    /**
     * Records every event of every instance of every registry bean, those built later included, and of every
     * {@code @Fallback} method; emptied before each test. Assert on it with
     * {@code ResilienceAssertions.assertThat(resilience.events())}.
     */
    public synchronized EventRecorder events() {
        if (events == null) {
            EventRecorder recorder = new EventRecorder();
            beans.getBeanProvider(PolicyRegistry.class).orderedStream().forEach(recorder::record);
            recordFallbacks(recorder);
            events = recorder;
        }
        return events;
    }

    private void recordFallbacks(EventRecorder recorder) {
        ClassLoader loader = getClass().getClassLoader();
        if (!ClassUtils.isPresent(METHOD_PIPELINE_FACTORY, loader)) {
            return;
        }
        Class<?> factoryType = ClassUtils.resolveClassName(METHOD_PIPELINE_FACTORY, loader);
        Method onFallbackCreated = ReflectionUtils.findMethod(factoryType, "onFallbackCreated", Consumer.class);
        if (onFallbackCreated == null) {
            return;
        }
        Consumer<Object> record = recorder::record;
        beans.getBeanProvider(factoryType).orderedStream()
                .forEach(factory -> ReflectionUtils.invokeMethod(onFallbackCreated, factory, record));
    }

    /** What {@link ResilienceTest @ResilienceTest} does before each test method. */
    void beforeTestMethod(long seed) {
        chaosSeed = null;
        reset();
        if (seed != ResilienceTest.UNSEEDED) {
            seedChaos(seed);
        }
        events().clear();
    }

    private <R> R registry(Class<R> type) {
        ObjectProvider<R> provider = beans.getBeanProvider(type);
        R registry = provider.getIfUnique();
        if (registry == null) {
            throw new IllegalStateException("expected one " + type.getSimpleName() + " bean in the application"
                    + " context but found " + beans.getBeanNamesForType(type).length);
        }
        return registry;
    }

    @Override
    public String toString() {
        return "ResilienceTestSupport[" + clock + "]";
    }
}

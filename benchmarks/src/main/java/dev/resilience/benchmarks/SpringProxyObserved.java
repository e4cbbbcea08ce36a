package dev.resilience.benchmarks;

import java.util.concurrent.atomic.AtomicReference;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.resilience.spring.observation.ResilienceObservationContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;

/**
 * Scenario 14: scenario 7's bean (circuit breaker + retry + bulkhead through its proxy, our starter only) with
 * an {@code ObservationRegistry} in the context, so each call is a {@code resilience.call} observation: once
 * with a handler that does nothing (the observation's own cost) and once with Micrometer's
 * {@code DefaultMeterObservationHandler} on a {@code SimpleMeterRegistry} (the {@code resilience.call} timer
 * Boot's auto-configuration would register). Scenario 7's {@code SpringProxy.ours}, in the same run, is the
 * same call without a registry, which takes the path it took before observations existed.
 *
 * <p>The benchmarks' class path has no Boot observation auto-configuration (scenario 7 must stay without a
 * registry), so each context declares its registry itself. Set-up checks, once per fork, that the bean is a
 * proxy, that a call runs inside its {@code resilience.call} observation, and that the meter variant records it
 * in the timer.
 */
public class SpringProxyObserved extends BenchmarkDefaults {

    /** Scenario 7's annotated bean, with a registry whose handler does nothing. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class NoopHandlerApplication {
        @Bean
        SpringProxy.OursBackend backend() {
            return new SpringProxy.OursBackend();
        }

        @Bean
        ObservationRegistry observationRegistry() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new NoopHandler());
            return registry;
        }
    }

    /** Scenario 7's annotated bean, with Micrometer's meter handler on a simple meter registry. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class MeterHandlerApplication {
        @Bean
        SpringProxy.OursBackend backend() {
            return new SpringProxy.OursBackend();
        }

        @Bean
        SimpleMeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean
        ObservationRegistry observationRegistry(MeterRegistry meters) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
            return registry;
        }
    }

    /** Supports every context and does nothing: what is left is the observation itself. */
    static final class NoopHandler implements ObservationHandler<Observation.Context> {
        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }
    }

    abstract static class Observed {
        ConfigurableApplicationContext context;
        SpringProxy.Backend backend;

        void start(Class<?> application) {
            context = SpringProxy.start(application, SpringProxy.RESILIENCE4J_PACKAGE);
            backend = context.getBean(SpringProxy.Backend.class);
            Checks.check(AopUtils.isAopProxy(backend), "our bean is not proxied");
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            AtomicReference<Observation> inside = new AtomicReference<>();
            backend.probe(() -> inside.set(registry.getCurrentObservation()));
            backend.call();
            backend.probe(null);
            Checks.check(inside.get() != null
                    && inside.get().getContext() instanceof ResilienceObservationContext call
                    && call.getInstanceName().equals(SpringProxy.INSTANCE),
                    "the call did not run inside its resilience.call observation: " + inside.get());
            Checks.check(registry.getCurrentObservation() == null, "the observation's scope was left open");
        }

        @TearDown(Level.Trial)
        public void stop() {
            context.close();
        }
    }

    @State(Scope.Benchmark)
    public static class NoopHandlerState extends Observed {
        @Setup(Level.Trial)
        public void start() {
            start(NoopHandlerApplication.class);
        }
    }

    @State(Scope.Benchmark)
    public static class MeterHandlerState extends Observed {
        @Setup(Level.Trial)
        public void start() {
            start(MeterHandlerApplication.class);
            long timed = context.getBean(MeterRegistry.class).get("resilience.call")
                    .tag("name", SpringProxy.INSTANCE).tag("outcome", "success").timer().count();
            Checks.check(timed == 1, "the resilience.call timer counted " + timed + " calls, expected 1");
        }
    }

    @Benchmark
    public String noopHandler(NoopHandlerState state) {
        return state.backend.call();
    }

    @Benchmark
    public String meterHandler(MeterHandlerState state) {
        return state.backend.call();
    }
}

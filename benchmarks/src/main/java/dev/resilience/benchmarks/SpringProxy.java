package dev.resilience.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Scenario 7: a Spring bean method annotated with circuit breaker + retry + bulkhead, called through its
 * proxy. Each library runs in its own Spring Boot application context with every auto-configuration on the
 * class path active except the other library's, as an application that uses it would have; the unannotated
 * bean is the baseline. Failsafe has no Spring integration.
 *
 * <p>Set-up checks, once per fork, that the bean is a proxy and that one call is counted by the breaker and
 * the retry and holds a bulkhead place while it runs, so the figure can never come from an unproxied bean.
 */
public class SpringProxy extends BenchmarkDefaults {

    static final String INSTANCE = "bench";

    /** The unannotated bean: same method body, no proxy. */
    public static class Backend {

        /** Runs inside the method during the set-up checks; {@code null} while measuring. */
        Runnable probe;

        /** Through the proxy to the target: a field written on a class proxy would stay on the proxy. */
        public void probe(Runnable probe) {
            this.probe = probe;
        }

        public String call() {
            Runnable p = probe;
            if (p != null) {
                p.run();
            }
            return Workload.call();
        }
    }

    public static class OursBackend extends Backend {

        @Override
        @dev.resilience.annotation.Retry(name = INSTANCE)
        @dev.resilience.annotation.CircuitBreaker(name = INSTANCE)
        @dev.resilience.annotation.Bulkhead(name = INSTANCE)
        public String call() {
            Runnable p = probe;
            if (p != null) {
                p.run();
            }
            return Workload.call();
        }
    }

    public static class Resilience4jBackend extends Backend {

        @Override
        @io.github.resilience4j.retry.annotation.Retry(name = INSTANCE)
        @io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker(name = INSTANCE)
        @io.github.resilience4j.bulkhead.annotation.Bulkhead(name = INSTANCE)
        public String call() {
            Runnable p = probe;
            if (p != null) {
                p.run();
            }
            return Workload.call();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class OursApplication {
        @Bean
        OursBackend backend() {
            return new OursBackend();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class Resilience4jApplication {
        @Bean
        Resilience4jBackend backend() {
            return new Resilience4jBackend();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class PlainApplication {
        @Bean
        Backend backend() {
            return new Backend();
        }
    }

    /** Starts {@code application} with the auto-configurations of the given packages excluded. */
    static ConfigurableApplicationContext start(Class<?> application, String... excludedPackages) {
        List<String> excluded = new ArrayList<>();
        for (String candidate : ImportCandidates.load(AutoConfiguration.class, SpringProxy.class.getClassLoader())) {
            for (String prefix : excludedPackages) {
                if (candidate.startsWith(prefix)) {
                    excluded.add(candidate);
                }
            }
        }
        return new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .properties("spring.main.banner-mode=off",
                        "logging.level.root=WARN",
                        "spring.autoconfigure.exclude=" + String.join(",", excluded))
                .run();
    }

    static final String OURS_PACKAGE = "dev.resilience.";
    static final String RESILIENCE4J_PACKAGE = "io.github.resilience4j.";

    @State(Scope.Benchmark)
    public static class Ours {
        ConfigurableApplicationContext context;
        Backend backend;

        @Setup(Level.Trial)
        public void start() {
            context = SpringProxy.start(OursApplication.class, RESILIENCE4J_PACKAGE);
            Checks.check(context.getBeanNamesForType(
                    io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class).length == 0,
                    "Resilience4j's auto-configuration is active in our context");
            backend = context.getBean(Backend.class);
            Checks.check(AopUtils.isAopProxy(backend), "our bean is not proxied");

            var breaker = context.getBean(dev.resilience.core.circuitbreaker.CircuitBreakerRegistry.class)
                    .instance(INSTANCE);
            var retry = context.getBean(dev.resilience.core.retry.RetryRegistry.class).instance(INSTANCE);
            var bulkhead = context.getBean(dev.resilience.core.bulkhead.BulkheadRegistry.class).instance(INSTANCE);
            int free = bulkhead.availablePermits();
            AtomicInteger freeInside = new AtomicInteger(-1);
            backend.probe(() -> freeInside.set(bulkhead.availablePermits()));
            backend.call();
            backend.probe(null);
            Checks.check(freeInside.get() == free - 1, "our bulkhead did not hold a place during the call ("
                    + freeInside.get() + " of " + free + " free inside)");
            Checks.check(breaker.successfulCalls() == 1, "our breaker did not count the call");
            Checks.check(retry.successfulWithoutRetry() == 1, "our retry did not count the call");
        }

        @TearDown(Level.Trial)
        public void stop() {
            context.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Resilience4j {
        ConfigurableApplicationContext context;
        Backend backend;

        @Setup(Level.Trial)
        public void start() {
            context = SpringProxy.start(Resilience4jApplication.class, OURS_PACKAGE);
            Checks.check(context.getBeanNamesForType(
                    dev.resilience.spring.aop.ResilienceAnnotationBeanPostProcessor.class).length == 0,
                    "our auto-configuration is active in the Resilience4j context");
            backend = context.getBean(Backend.class);
            Checks.check(AopUtils.isAopProxy(backend), "the Resilience4j bean is not proxied");

            var breaker = context.getBean(io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.class)
                    .circuitBreaker(INSTANCE);
            var retry = context.getBean(io.github.resilience4j.retry.RetryRegistry.class).retry(INSTANCE);
            var bulkhead = context.getBean(io.github.resilience4j.bulkhead.BulkheadRegistry.class).bulkhead(INSTANCE);
            int free = bulkhead.getMetrics().getAvailableConcurrentCalls();
            AtomicInteger freeInside = new AtomicInteger(-1);
            backend.probe(() -> freeInside.set(bulkhead.getMetrics().getAvailableConcurrentCalls()));
            backend.call();
            backend.probe(null);
            Checks.check(freeInside.get() == free - 1, "the Resilience4j bulkhead did not hold a place during the call ("
                    + freeInside.get() + " of " + free + " free inside)");
            Checks.check(breaker.getMetrics().getNumberOfSuccessfulCalls() == 1,
                    "the Resilience4j breaker did not count the call");
            Checks.check(retry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt() == 1,
                    "the Resilience4j retry did not count the call");
        }

        @TearDown(Level.Trial)
        public void stop() {
            context.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Plain {
        ConfigurableApplicationContext context;
        Backend backend;

        @Setup(Level.Trial)
        public void start() {
            context = SpringProxy.start(PlainApplication.class, OURS_PACKAGE, RESILIENCE4J_PACKAGE);
            backend = context.getBean(Backend.class);
            Checks.check(!AopUtils.isAopProxy(backend), "the unannotated bean is proxied");
        }

        @TearDown(Level.Trial)
        public void stop() {
            context.close();
        }
    }

    /**
     * Spring's own floor: the same kind of class proxy with one pass-through interceptor on the method, as
     * ours has; what Spring AOP itself costs per call (the method invocation object, the arguments array).
     */
    @State(Scope.Benchmark)
    public static class SpringFloor {
        Backend backend;

        @Setup(Level.Trial)
        public void start() {
            org.springframework.aop.framework.ProxyFactory factory = new org.springframework.aop.framework.ProxyFactory(
                    new Backend());
            factory.setProxyTargetClass(true);
            factory.addAdvisor(new org.springframework.aop.support.DefaultPointcutAdvisor(
                    new org.springframework.aop.support.StaticMethodMatcherPointcut() {
                        @Override
                        public boolean matches(java.lang.reflect.Method method, Class<?> targetClass) {
                            return method.getName().equals("call");
                        }
                    }, (org.aopalliance.intercept.MethodInterceptor) invocation -> invocation.proceed()));
            backend = (Backend) factory.getProxy();
            Checks.check(AopUtils.isCglibProxy(backend), "the floor's bean is not a class proxy");
        }
    }

    @Benchmark
    public String springFloor(SpringFloor state) {
        return state.backend.call();
    }

    @Benchmark
    public String ours(Ours state) {
        return state.backend.call();
    }

    @Benchmark
    public String resilience4j(Resilience4j state) {
        return state.backend.call();
    }

    @Benchmark
    public String plain(Plain state) {
        return state.backend.call();
    }
}

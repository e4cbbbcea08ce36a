package dev.resilience.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRandom;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.aop.ResilienceAnnotationBeanPostProcessor;
import dev.resilience.spring.chaos.ChaosTargets;
import dev.resilience.spring.events.EventLogger;
import dev.resilience.spring.events.EventSubscriptions;
import dev.resilience.spring.events.RecentEvents;
import dev.resilience.spring.observation.ResilienceObservationConvention;
import dev.resilience.spring.observation.ResilienceObservations;
import io.micrometer.observation.ObservationRegistry;

/**
 * Registries filled from {@code resilience.*} (fault injection's among them, and the retry budgets they share),
 * the clock, context propagation, the executor asynchronous methods continue on (a bean named
 * {@code resilienceAsyncExecutor}, else Boot's {@code applicationTaskExecutor}) and the annotation
 * post-processor. Every bean can be replaced by declaring one of the same type. With an
 * {@code ObservationRegistry} bean that has handlers (Boot's, when {@code spring-boot-micrometer-observation} is
 * on the class path, e.g. with the actuator), each protected call is a {@code resilience.call} observation,
 * named and tagged by a {@link ResilienceObservationConvention} bean if there is one. With
 * {@code resilience.enabled=false} the registries stay available for programmatic use but nothing is
 * intercepted.
 */
@AutoConfiguration(after = TaskExecutionAutoConfiguration.class)
@EnableConfigurationProperties(ResilienceProperties.class)
public class ResilienceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Clock resilienceClock() {
        return Clock.system();
    }

    @Bean
    @ConditionalOnMissingBean
    public CircuitBreakerRegistry circuitBreakerRegistry(ResilienceProperties properties, Clock clock,
            ResourceLoader resources) {
        CircuitBreakerRegistry registry = new CircuitBreakerRegistry(clock);
        PolicyConfigs.circuitBreakers(properties.getCircuitbreaker(), resources.getClassLoader()).configure(registry);
        return registry;
    }

    /** The budgets of {@code resilience.retry.budgets}, which retry configs and instances name in {@code budget}. */
    @Bean
    @ConditionalOnMissingBean
    public RetryBudgets resilienceRetryBudgets(ResilienceProperties properties, Clock clock) {
        return RetryBudgets.of(properties.getRetry().getBudgets(), clock);
    }

    @Bean
    @ConditionalOnMissingBean
    public RetryRegistry retryRegistry(ResilienceProperties properties, Clock clock, ResourceLoader resources,
            RetryBudgets budgets) {
        RetryRegistry registry = new RetryRegistry(clock);
        PolicyConfigs.retries(properties.getRetry(), resources.getClassLoader(), budgets).configure(registry);
        return registry;
    }

    /**
     * Rate limiters whose buckets are local, or cluster-wide (scope: cluster) from the bean named
     * {@code resilienceClusterPermitBuckets}, looked up when first needed. A configured instance (or the
     * default config) with scope cluster and no such bean stops start-up.
     */
    @Bean
    @ConditionalOnMissingBean
    public RateLimiterRegistry rateLimiterRegistry(ResilienceProperties properties, Clock clock,
            @Qualifier(ScopedPermitBuckets.CLUSTER_BEAN) ObjectProvider<PermitBuckets> clusterBuckets) {
        ScopedPermitBuckets buckets = new ScopedPermitBuckets(clock, clusterBuckets);
        RateLimiterRegistry registry = new RateLimiterRegistry(clock, buckets);
        PolicyConfigs.rateLimiters(properties.getRatelimiter()).configure(registry);
        buckets.requireClusterBucketsWhereNeeded(registry, properties.getRatelimiter());
        return registry;
    }

    @Bean
    @ConditionalOnMissingBean
    public TimeoutRegistry timeoutRegistry(ResilienceProperties properties, Clock clock) {
        TimeoutRegistry registry = new TimeoutRegistry(clock);
        PolicyConfigs.timeouts(properties.getTimeout()).configure(registry);
        return registry;
    }

    @Bean
    @ConditionalOnMissingBean
    public BulkheadRegistry bulkheadRegistry(ResilienceProperties properties, Clock clock,
            ResourceLoader resources) {
        BulkheadRegistry registry = new BulkheadRegistry(PolicyConfigs.bulkheadBuiltIn(), clock);
        PolicyConfigs.bulkheads(properties.getBulkhead(), resources.getClassLoader()).configure(registry);
        return registry;
    }

    /**
     * Hedges from {@code resilience.hedge.*}, validated at start-up. The extra attempts of synchronous methods
     * run on the application's executor ({@link HedgeExecutors}), looked up at their first use.
     */
    @Bean
    @ConditionalOnMissingBean
    public HedgeRegistry hedgeRegistry(ResilienceProperties properties, Clock clock, BeanFactory beanFactory,
            ResourceLoader resources) {
        HedgeRegistry registry = new HedgeRegistry(clock, new HedgeExecutors(beanFactory));
        HedgeConfigs.configure(registry, properties.getHedge(), resources.getClassLoader());
        return registry;
    }

    /**
     * Fault injection from {@code resilience.chaos.*}, configured and validated whether or not
     * {@code resilience.chaos.enabled} is true. Its instances draw from the application's {@link ChaosRandom}
     * bean when it has one (a test's seeded source), else from an unseeded one.
     */
    @Bean
    @ConditionalOnMissingBean
    public ChaosRegistry chaosRegistry(ResilienceProperties properties, Clock clock, ResourceLoader resources,
            ObjectProvider<ChaosRandom> random) {
        ChaosRegistry registry = new ChaosRegistry(clock, random.getIfUnique(ChaosRandom::unseeded));
        PolicyConfigs.chaos(properties.getChaos(), resources.getClassLoader()).configure(registry);
        return registry;
    }

    @Bean
    @ConditionalOnMissingBean
    public RecentEvents resilienceRecentEvents(ResilienceProperties properties, CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries, RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts,
            BulkheadRegistry bulkheads, ChaosRegistry chaos, MethodPipelineFactory methods, HedgeRegistry hedges) {
        int size = properties.getEvents().getBufferSize();
        if (size < 1) {
            throw new InvalidResilienceConfigException("resilience.events.buffer-size",
                    "must be at least 1, but was " + size);
        }
        RecentEvents events = new RecentEvents(size);
        EventSubscriptions.subscribeAll(events, circuitBreakers, retries, rateLimiters, timeouts, bulkheads, chaos,
                methods);
        EventSubscriptions.subscribe(events, hedges);
        return events;
    }

    @Bean
    @ConditionalOnMissingBean
    public EventLogger resilienceEventLogger(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            ChaosRegistry chaos, MethodPipelineFactory methods, HedgeRegistry hedges) {
        EventLogger logger = new EventLogger();
        EventSubscriptions.subscribeAll(logger, circuitBreakers, retries, rateLimiters, timeouts, bulkheads, chaos,
                methods);
        EventSubscriptions.subscribe(logger, hedges);
        return logger;
    }

    @Bean
    @ConditionalOnMissingBean
    public ContextPropagation resilienceContextPropagation() {
        return new MicrometerContextPropagation();
    }

    /**
     * The pipelines of annotated methods (and HTTP clients). With {@code resilience.chaos.enabled}, each method
     * or client named under {@code resilience.chaos.instances} gets that chaos instance (see
     * {@link ChaosTargets}); otherwise no pipeline has a chaos stage.
     */
    @Bean
    @ConditionalOnMissingBean
    public MethodPipelineFactory resilienceMethodPipelineFactory(ResilienceProperties properties,
            CircuitBreakerRegistry circuitBreakers, RetryRegistry retries, RateLimiterRegistry rateLimiters,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, ChaosRegistry chaos, Clock clock,
            ContextPropagation contextPropagation, BeanFactory beanFactory,
            ObjectProvider<ObservationRegistry> observationRegistry,
            ObjectProvider<ResilienceObservationConvention> observationConvention, HedgeRegistry hedges) {
        ChaosTargets targets = properties.getChaos().isEnabled()
                ? ChaosTargets.of(chaos, properties.getChaos().getInstances().keySet())
                : ChaosTargets.none();
        // The observation registry is looked up when the first pipeline is built, once its handlers are configured.
        return new MethodPipelineFactory(circuitBreakers, retries, rateLimiters, timeouts, bulkheads, clock,
                contextPropagation, new AsyncExecutorResolver(beanFactory), targets).observeWith(
                        () -> ResilienceObservations.of(observationRegistry.getIfUnique(),
                                observationConvention.getIfUnique()))
                .hedgeWith(hedges, new HedgeExecutors(beanFactory)::available);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    @ConditionalOnBooleanProperty(name = "resilience.enabled", matchIfMissing = true)
    public static ResilienceAnnotationBeanPostProcessor resilienceAnnotationBeanPostProcessor(
            ObjectProvider<MethodPipelineFactory> factory, Environment environment) {
        ResilienceAnnotationBeanPostProcessor processor = new ResilienceAnnotationBeanPostProcessor(factory);
        // Same switch as Spring Boot's own AOP support: class proxies unless told otherwise.
        processor.setProxyTargetClass(environment.getProperty("spring.aop.proxy-target-class", Boolean.class, true));
        return processor;
    }
}

package dev.resilience.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.actuate.BulkheadsEndpoint;
import dev.resilience.spring.actuate.ChaosEndpoint;
import dev.resilience.spring.actuate.CircuitBreakersEndpoint;
import dev.resilience.spring.actuate.CircuitBreakersHealthIndicator;
import dev.resilience.spring.actuate.RateLimitersEndpoint;
import dev.resilience.spring.actuate.ResilienceEventsEndpoint;
import dev.resilience.spring.actuate.ResilienceInfoContributor;
import dev.resilience.spring.actuate.RetriesEndpoint;
import dev.resilience.spring.actuate.TimeoutsEndpoint;
import dev.resilience.spring.actuate.HedgesEndpoint;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.spring.events.RecentEvents;
import dev.resilience.spring.reconfigure.ConfigChanges;
import dev.resilience.spring.reconfigure.ResilienceReconfiguration;

/**
 * Actuator endpoints, the {@code circuitBreakers} health component and the {@code resilience} info section,
 * when the application has Spring Boot Actuator.
 */
@AutoConfiguration(after = { ResilienceAutoConfiguration.class, ResilienceReconfigurationAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
public class ResilienceActuatorAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public CircuitBreakersEndpoint circuitBreakersEndpoint(CircuitBreakerRegistry registry,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new CircuitBreakersEndpoint(registry, changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public BulkheadsEndpoint bulkheadsEndpoint(BulkheadRegistry registry,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new BulkheadsEndpoint(registry, changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public RetriesEndpoint retriesEndpoint(RetryRegistry registry, ObjectProvider<RetryBudgets> budgets,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        RetryBudgets configured = budgets.getIfAvailable();
        return new RetriesEndpoint(registry, configured == null ? List.of() : configured.all(),
                changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public RateLimitersEndpoint rateLimitersEndpoint(RateLimiterRegistry registry,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new RateLimitersEndpoint(registry, changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public TimeoutsEndpoint timeoutsEndpoint(TimeoutRegistry registry,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new TimeoutsEndpoint(registry, changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public HedgesEndpoint hedgesEndpoint(HedgeRegistry registry,
            ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new HedgesEndpoint(registry, changes(reconfiguration));
    }

    /** Read-only unless {@code management.endpoint.chaos.access=unrestricted}: its POST is a write. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public ChaosEndpoint chaosEndpoint(ChaosRegistry registry, ResilienceProperties properties,
            ResourceLoader resources, ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        return new ChaosEndpoint(registry, properties.getChaos().isEnabled(), resources.getClassLoader(),
                changes(reconfiguration));
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public ResilienceEventsEndpoint resilienceEventsEndpoint(RecentEvents events) {
        return new ResilienceEventsEndpoint(events);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnEnabledInfoContributor("resilience")
    public ResilienceInfoContributor resilienceInfoContributor(CircuitBreakerRegistry circuitBreakers,
            RetryRegistry retries, RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts,
            BulkheadRegistry bulkheads, Clock clock) {
        return new ResilienceInfoContributor(circuitBreakers, retries, rateLimiters, timeouts, bulkheads, clock);
    }

    /** The last live change of each instance's settings, when the application has live reconfiguration. */
    private static ConfigChanges changes(ObjectProvider<ResilienceReconfiguration> reconfiguration) {
        ConfigChanges changes = reconfiguration.getIfUnique();
        return changes == null ? ConfigChanges.NONE : changes;
    }

    /** Separate so the health module stays optional. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "circuitBreakersHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("circuitbreakers")
        public CircuitBreakersHealthIndicator circuitBreakersHealthIndicator(CircuitBreakerRegistry registry,
                ResilienceProperties properties) {
            return new CircuitBreakersHealthIndicator(registry,
                    properties.getCircuitbreaker().getHealth().isFailWhenOpen());
        }
    }
}

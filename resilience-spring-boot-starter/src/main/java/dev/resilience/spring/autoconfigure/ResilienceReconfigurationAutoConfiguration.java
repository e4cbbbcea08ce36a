package dev.resilience.spring.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.reconfigure.ResilienceEnvironmentChangeListener;
import dev.resilience.spring.reconfigure.ResilienceReconfiguration;

/**
 * Live reconfiguration: the {@link ResilienceReconfiguration} bean, which applies changed {@code resilience.*}
 * settings in place when called, and, with Spring Cloud Context on the class path and
 * {@code resilience.reconfiguration.enabled} (the default), a listener that calls it on every
 * {@code EnvironmentChangeEvent} touching {@code resilience.*}.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
public class ResilienceReconfigurationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ResilienceReconfiguration resilienceReconfiguration(Environment environment,
            CircuitBreakerRegistry circuitBreakers, RetryRegistry retries, RateLimiterRegistry rateLimiters,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, ChaosRegistry chaos, HedgeRegistry hedges,
            RetryBudgets budgets, Clock clock, ResourceLoader resources) {
        PolicyReconfigurer reconfigurer = new PolicyReconfigurer(circuitBreakers, retries, rateLimiters, timeouts,
                bulkheads, chaos, hedges, budgets, resources.getClassLoader());
        return new ResilienceReconfiguration(environment, reconfigurer::prepare, clock, circuitBreakers, retries,
                rateLimiters, timeouts, bulkheads, chaos, hedges);
    }

    /** Separate so Spring Cloud stays optional. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
    @ConditionalOnBooleanProperty(name = "resilience.reconfiguration.enabled", matchIfMissing = true)
    static class SpringCloudConfiguration {

        @Bean
        @ConditionalOnMissingBean
        public ResilienceEnvironmentChangeListener resilienceEnvironmentChangeListener(
                ResilienceReconfiguration reconfiguration) {
            return new ResilienceEnvironmentChangeListener(reconfiguration);
        }
    }
}

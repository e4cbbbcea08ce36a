package dev.resilience.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.metrics.ResilienceMeterBinder;
import dev.resilience.spring.metrics.HedgeMeterBinder;
import dev.resilience.core.hedge.HedgeRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Micrometer meters for every instance, bound to each {@code MeterRegistry} the application has. */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
public class ResilienceMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ResilienceMeterBinder resilienceMeterBinder(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            ObjectProvider<RetryBudgets> budgets, ObjectProvider<ChaosRegistry> chaos) {
        RetryBudgets configured = budgets.getIfAvailable();
        return new ResilienceMeterBinder(circuitBreakers, retries, rateLimiters, timeouts, bulkheads,
                configured == null ? List.of() : configured.all(), chaos.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    public HedgeMeterBinder resilienceHedgeMeterBinder(HedgeRegistry hedges) {
        return new HedgeMeterBinder(hedges);
    }
}

package dev.resilience.spring.autoconfigure;

import java.util.List;
import java.util.Objects;

import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;

/**
 * Hands a new binding of {@code resilience.*} to the running registries (and the retry budgets), in two steps:
 * {@link #prepare} checks every policy's new settings against every instance built so far and changes nothing;
 * the action it returns applies them all, in place. So one invalid setting anywhere applies nothing anywhere.
 * The machinery behind {@code ResilienceReconfiguration}; applications call that.
 */
public final class PolicyReconfigurer {

    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final TimeoutRegistry timeouts;
    private final BulkheadRegistry bulkheads;
    private final ChaosRegistry chaos;
    private final HedgeRegistry hedges;
    private final RetryBudgets budgets;
    private final ClassLoader classLoader;

    /**
     * @param classLoader resolves the exception classes the settings name
     */
    public PolicyReconfigurer(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads, ChaosRegistry chaos,
            HedgeRegistry hedges, RetryBudgets budgets, ClassLoader classLoader) {
        this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
        this.retries = Objects.requireNonNull(retries, "retries");
        this.rateLimiters = Objects.requireNonNull(rateLimiters, "rateLimiters");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.bulkheads = Objects.requireNonNull(bulkheads, "bulkheads");
        this.chaos = Objects.requireNonNull(chaos, "chaos");
        this.hedges = Objects.requireNonNull(hedges, "hedges");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        this.classLoader = classLoader;
    }

    /**
     * Checks the policies' settings in {@code next}, every policy before any is changed.
     *
     * @return what applies them all
     * @throws InvalidResilienceConfigException naming the first property at fault
     */
    public Runnable prepare(ResilienceProperties next) {
        RetryBudgets.Change budgetChange = budgets.prepare(next.getRetry().getBudgets());
        List<Runnable> steps = List.of(budgetChange.apply(),
                PolicyConfigs.circuitBreakers(next.getCircuitbreaker(), classLoader).prepare(circuitBreakers),
                PolicyConfigs.retries(next.getRetry(), classLoader, budgetChange.next()).prepare(retries),
                PolicyConfigs.rateLimiters(next.getRatelimiter()).prepare(rateLimiters),
                PolicyConfigs.timeouts(next.getTimeout()).prepare(timeouts),
                PolicyConfigs.bulkheads(next.getBulkhead(), classLoader).prepare(bulkheads),
                PolicyConfigs.chaos(next.getChaos(), classLoader).prepare(chaos),
                HedgeConfigs.prepare(hedges, next.getHedge(), classLoader));
        return () -> steps.forEach(Runnable::run);
    }
}

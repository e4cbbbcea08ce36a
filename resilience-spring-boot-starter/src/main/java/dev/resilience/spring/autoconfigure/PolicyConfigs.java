package dev.resilience.spring.autoconfigure;

import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.spring.http.HttpFailureStatusException;

/** Applies bound yml settings onto the core config builders and hands each level to its registry. */
final class PolicyConfigs {

    private PolicyConfigs() {
    }

    // Each registrar hands its policy's levels to a registry: configure(registry) at start-up, or
    // prepare(registry) for a running one (live reconfiguration: checked first, applied by the returned action).

    static ConfigRegistrar<CircuitBreakerProperties.Settings, CircuitBreakerConfig, CircuitBreakerConfig.Builder>
            circuitBreakers(CircuitBreakerProperties properties, ClassLoader loader) {
        return new ConfigRegistrar<>("resilience.circuitbreaker", properties, CircuitBreakerConfig::from,
                (s, b, path) -> apply(s, b, path, loader), CircuitBreakerConfig.Builder::build);
    }

    /** @param budgets the budgets a retry's {@code budget} may name */
    static ConfigRegistrar<RetryProperties.Settings, RetryConfig, RetryConfig.Builder> retries(
            RetryProperties properties, ClassLoader loader, RetryBudgets budgets) {
        return new ConfigRegistrar<>("resilience.retry", properties, RetryConfig::from,
                (s, b, path) -> apply(s, b, path, loader, budgets), RetryConfig.Builder::build);
    }

    static ConfigRegistrar<RateLimiterProperties.Settings, RateLimiterConfig, RateLimiterConfig.Builder> rateLimiters(
            RateLimiterProperties properties) {
        return new ConfigRegistrar<>("resilience.ratelimiter", properties, RateLimiterConfig::from,
                PolicyConfigs::apply, RateLimiterConfig.Builder::build);
    }

    static ConfigRegistrar<TimeoutProperties.Settings, TimeoutConfig, TimeoutConfig.Builder> timeouts(
            TimeoutProperties properties) {
        return new ConfigRegistrar<>("resilience.timeout", properties, TimeoutConfig::from, PolicyConfigs::apply,
                TimeoutConfig.Builder::build);
    }

    static ConfigRegistrar<BulkheadProperties.Settings, BulkheadConfig, BulkheadConfig.Builder> bulkheads(
            BulkheadProperties properties, ClassLoader loader) {
        return new ConfigRegistrar<>("resilience.bulkhead", properties, BulkheadConfig::from,
                (s, b, path) -> apply(s, b, path, loader), BulkheadConfig.Builder::build);
    }

    /**
     * The built-in bulkhead config of the starter: the core's, with the HTTP integration's overload statuses
     * (429, 503) telling an adaptive bulkhead that the server is overloaded.
     */
    static BulkheadConfig bulkheadBuiltIn() {
        return BulkheadConfig.builder().overloadPredicate(HttpFailureStatusException::isOverloadStatus).build();
    }

    static ConfigRegistrar<ChaosProperties.Settings, ChaosConfig, ChaosConfig.Builder> chaos(
            ChaosProperties properties, ClassLoader loader) {
        return new ConfigRegistrar<>("resilience.chaos", properties, ChaosConfig::from,
                (s, b, path) -> apply(s, b, path, loader), ChaosConfig.Builder::build);
    }

    private static void apply(CircuitBreakerProperties.Settings s, CircuitBreakerConfig.Builder b, String path,
            ClassLoader loader) {
        if (s.getSlidingWindowType() != null) {
            b.slidingWindowType(s.getSlidingWindowType());
        }
        if (s.getSlidingWindowSize() != null) {
            b.slidingWindowSize(s.getSlidingWindowSize());
        }
        if (s.getMinimumNumberOfCalls() != null) {
            b.minimumNumberOfCalls(s.getMinimumNumberOfCalls());
        }
        if (s.getFailureRateThreshold() != null) {
            b.failureRateThreshold(s.getFailureRateThreshold());
        }
        if (s.getSlowCallDurationThreshold() != null) {
            b.slowCallDurationThreshold(s.getSlowCallDurationThreshold());
        }
        if (s.getSlowCallRateThreshold() != null) {
            b.slowCallRateThreshold(s.getSlowCallRateThreshold());
        }
        if (s.getWaitDurationInOpenState() != null) {
            b.waitDurationInOpenState(s.getWaitDurationInOpenState());
        }
        if (s.getPermittedCallsInHalfOpenState() != null) {
            b.permittedCallsInHalfOpenState(s.getPermittedCallsInHalfOpenState());
        }
        if (s.getMaxWaitDurationInHalfOpenState() != null) {
            b.maxWaitDurationInHalfOpenState(s.getMaxWaitDurationInHalfOpenState());
        }
        if (s.getRecordExceptions() != null) {
            b.recordExceptions(ExceptionTypes.resolve(s.getRecordExceptions(), path + ".record-exceptions", loader));
        }
        if (s.getIgnoreExceptions() != null) {
            b.ignoreExceptions(ExceptionTypes.resolve(s.getIgnoreExceptions(), path + ".ignore-exceptions", loader));
        }
        if (s.getCountCallerInterruption() != null) {
            b.countCallerInterruption(s.getCountCallerInterruption());
        }
        if (s.getWritableStackTrace() != null) {
            b.writableStackTrace(s.getWritableStackTrace());
        }
    }

    private static void apply(RetryProperties.Settings s, RetryConfig.Builder b, String path, ClassLoader loader,
            RetryBudgets budgets) {
        if (s.getMaxAttempts() != null) {
            b.maxAttempts(s.getMaxAttempts());
        }
        if (s.getWaitDuration() != null) {
            b.waitDuration(s.getWaitDuration());
        }
        if (s.getBackoffMultiplier() != null) {
            b.backoffMultiplier(s.getBackoffMultiplier());
        }
        if (s.getMaxWaitDuration() != null) {
            b.maxWaitDuration(s.getMaxWaitDuration());
        }
        if (s.getJitter() != null) {
            b.jitter(s.getJitter());
        }
        if (s.getMaxDuration() != null) {
            b.maxDuration(s.getMaxDuration());
        }
        if (s.getRetryExceptions() != null) {
            b.retryExceptions(ExceptionTypes.resolve(s.getRetryExceptions(), path + ".retry-exceptions", loader));
        }
        if (s.getIgnoreExceptions() != null) {
            b.ignoreExceptions(ExceptionTypes.resolve(s.getIgnoreExceptions(), path + ".ignore-exceptions", loader));
        }
        if (s.getBudget() != null) {
            b.budget(budgets.resolve(s.getBudget(), path + ".budget"));
        }
    }

    private static void apply(RateLimiterProperties.Settings s, RateLimiterConfig.Builder b, String path) {
        if (s.getLimitForPeriod() != null) {
            b.limitForPeriod(s.getLimitForPeriod());
        }
        if (s.getLimitRefreshPeriod() != null) {
            b.limitRefreshPeriod(s.getLimitRefreshPeriod());
        }
        if (s.getType() != null) {
            b.type(s.getType());
        }
        if (s.getMaxWaitDuration() != null) {
            b.maxWaitDuration(s.getMaxWaitDuration());
        }
        if (s.getMaxKeys() != null) {
            b.maxKeys(s.getMaxKeys());
        }
        if (s.getScope() != null) {
            b.scope(s.getScope());
        }
        if (s.getExpectedInstances() != null) {
            b.expectedInstances(s.getExpectedInstances());
        }
        if (s.getOnEngineFailure() != null) {
            b.onEngineFailure(s.getOnEngineFailure());
        }
    }

    private static void apply(TimeoutProperties.Settings s, TimeoutConfig.Builder b, String path) {
        if (s.getDuration() != null) {
            b.duration(s.getDuration());
        }
        if (s.getCancelRunningFuture() != null) {
            b.cancelRunningFuture(s.getCancelRunningFuture());
        }
    }

    private static void apply(BulkheadProperties.Settings s, BulkheadConfig.Builder b, String path,
            ClassLoader loader) {
        if (s.getType() != null) {
            b.type(s.getType());
        }
        if (s.getMaxConcurrentCalls() != null) {
            b.maxConcurrentCalls(s.getMaxConcurrentCalls());
        }
        if (s.getMaxWaitDuration() != null) {
            b.maxWaitDuration(s.getMaxWaitDuration());
        }
        if (s.getMinConcurrentCalls() != null) {
            b.minConcurrentCalls(s.getMinConcurrentCalls());
        }
        if (s.getInitialConcurrentCalls() != null) {
            b.initialConcurrentCalls(s.getInitialConcurrentCalls());
        }
        if (s.getAlpha() != null) {
            b.alpha(s.getAlpha());
        }
        if (s.getBeta() != null) {
            b.beta(s.getBeta());
        }
        if (s.getBackoffRatio() != null) {
            b.backoffRatio(s.getBackoffRatio());
        }
        if (s.getBaselineWindow() != null) {
            b.baselineWindow(s.getBaselineWindow());
        }
        if (s.getOverloadExceptions() != null) {
            b.overloadExceptions(ExceptionTypes.resolve(s.getOverloadExceptions(), path + ".overload-exceptions",
                    loader));
        }
    }

    private static void apply(ChaosProperties.Settings s, ChaosConfig.Builder b, String path, ClassLoader loader) {
        if (s.getEnabled() != null) {
            b.enabled(s.getEnabled());
        }
        if (s.getFaultRate() != null) {
            b.faultRate(s.getFaultRate());
        }
        if (s.getException() != null) {
            // Unknown, or no Throwable: named here; no usable constructor: named by ChaosConfig's build.
            b.exception(ExceptionTypes.resolve(s.getException(), path + ".exception", loader));
        }
        if (s.getLatency() != null) {
            b.latency(s.getLatency());
        }
        if (s.getLatencyRate() != null) {
            b.latencyRate(s.getLatencyRate());
        }
        if (s.getStatus() != null) {
            b.status(s.getStatus());
        }
    }
}

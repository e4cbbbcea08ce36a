package dev.resilience.spring.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.resilience.spring.web.ResilienceWebProperties;

/**
 * {@code resilience.*} in {@code application.yml}. Each policy has shared {@code configs} (with
 * {@code default} applying to every instance) and per-instance {@code instances}; either may name a
 * {@code base-config} to inherit from. Precedence: instance > its base config > {@code default} > built-in
 * defaults. Unknown keys fail start-up rather than being ignored.
 */
@ConfigurationProperties(prefix = "resilience", ignoreUnknownFields = false)
public class ResilienceProperties {

    /** Whether annotated methods are intercepted; false leaves the annotations inert. */
    private boolean enabled = true;

    /** Circuit breakers. */
    @NestedConfigurationProperty
    private final CircuitBreakerProperties circuitbreaker = new CircuitBreakerProperties();

    /** Retries. */
    @NestedConfigurationProperty
    private final RetryProperties retry = new RetryProperties();

    /** Rate limiters. */
    @NestedConfigurationProperty
    private final RateLimiterProperties ratelimiter = new RateLimiterProperties();

    /** Timeouts. */
    @NestedConfigurationProperty
    private final TimeoutProperties timeout = new TimeoutProperties();

    /** Bulkheads. */
    @NestedConfigurationProperty
    private final BulkheadProperties bulkhead = new BulkheadProperties();

    /** Hedges: extra attempts of slow calls of idempotent (@Hedge) methods. */
    @NestedConfigurationProperty
    private final HedgeProperties hedge = new HedgeProperties();

    /** Fault injection: off unless resilience.chaos.enabled is true. */
    @NestedConfigurationProperty
    private final ChaosProperties chaos = new ChaosProperties();

    /** The buffers of recent events, one per instance, behind the resilienceevents endpoint. */
    @NestedConfigurationProperty
    private final Events events = new Events();

    /** HTTP clients protected by configuration. */
    @NestedConfigurationProperty
    private final HttpClientsProperties http = new HttpClientsProperties();

    /** Spring MVC and WebFlux applications: problem responses for resilience exceptions. */
    @NestedConfigurationProperty
    private final ResilienceWebProperties web = new ResilienceWebProperties();

    /** Live reconfiguration: changed policy settings applied in place while the application runs. */
    @NestedConfigurationProperty
    private final Reconfiguration reconfiguration = new Reconfiguration();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public CircuitBreakerProperties getCircuitbreaker() {
        return circuitbreaker;
    }

    public RetryProperties getRetry() {
        return retry;
    }

    public RateLimiterProperties getRatelimiter() {
        return ratelimiter;
    }

    public TimeoutProperties getTimeout() {
        return timeout;
    }

    public BulkheadProperties getBulkhead() {
        return bulkhead;
    }

    public HedgeProperties getHedge() {
        return hedge;
    }

    public ChaosProperties getChaos() {
        return chaos;
    }

    public Events getEvents() {
        return events;
    }

    public HttpClientsProperties getHttp() {
        return http;
    }

    public ResilienceWebProperties getWeb() {
        return web;
    }

    public Reconfiguration getReconfiguration() {
        return reconfiguration;
    }

    /** {@code resilience.events.*}. */
    public static class Events {

        /**
         * How many recent events each instance keeps for the resilienceevents endpoint, at least 1. A circuit
         * breaker's state transitions are kept apart, up to as many again, so rejected calls never push out
         * the transition that opened it.
         */
        private int bufferSize = 200;

        public int getBufferSize() {
            return bufferSize;
        }

        public void setBufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
        }
    }

    /** {@code resilience.reconfiguration.*}. */
    public static class Reconfiguration {

        /**
         * Whether changed resilience.* settings apply in place when Spring Cloud announces an environment change
         * (EnvironmentChangeEvent: /actuator/refresh, a config server, Kubernetes config maps).
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }
}

package dev.resilience.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;

/**
 * The {@code circuitBreakers} health component: each breaker's state in the details. An OPEN or FORCED_OPEN
 * breaker makes the status {@code CIRCUIT_OPEN} (a degraded dependency is not an application that is down),
 * or DOWN with {@code resilience.circuitbreaker.health.fail-when-open=true}.
 */
public class CircuitBreakersHealthIndicator implements HealthIndicator {

    /** A breaker is open: calls to a dependency are being rejected. */
    public static final Status CIRCUIT_OPEN = new Status("CIRCUIT_OPEN");

    private final CircuitBreakerRegistry registry;
    private final boolean failWhenOpen;

    public CircuitBreakersHealthIndicator(CircuitBreakerRegistry registry, boolean failWhenOpen) {
        this.registry = registry;
        this.failWhenOpen = failWhenOpen;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean open = false;
        for (CircuitBreaker breaker : registry.all()) {
            CircuitBreaker.State state = breaker.state();
            details.put(breaker.name(), state.name());
            open |= state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
        }
        Status status = !open ? Status.UP : failWhenOpen ? Status.DOWN : CIRCUIT_OPEN;
        return Health.status(status).withDetails(details).build();
    }
}

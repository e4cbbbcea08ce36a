package dev.resilience.sample.a;

import org.springframework.stereotype.Service;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.Fallback;
import dev.resilience.core.bulkhead.BulkheadFullException;

/**
 * Service A's client for service B behind an adaptive bulkhead ({@code serviceBAdaptive} in application.yml,
 * {@code type: adaptive}): its limit follows B's latency, and {@code /actuator/bulkheads} shows it.
 */
@Service
public class ServiceBAdaptiveClient {

    private final ServiceBGreeting greeting;

    public ServiceBAdaptiveClient(ServiceBGreeting greeting) {
        this.greeting = greeting;
    }

    @Bulkhead(name = "serviceBAdaptive")
    @Fallback(method = "helloFallback")
    public String hello() {
        return greeting.fetch();
    }

    private String helloFallback(BulkheadFullException full) {
        return "fallback: " + full.maxConcurrentCalls() + " calls to B in flight already (the adaptive limit)";
    }
}

package dev.resilience.sample.a;

import org.springframework.stereotype.Service;

import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.Timeout;

/**
 * Service A's hedged client for service B: reading B's greeting is idempotent, so a slow answer gets a second
 * request beside it after the p95 of recent latency (300ms until 50 calls are measured), and the first answer
 * wins; the other request is interrupted. Each request has its own timeout (configured in application.yml).
 */
@Service
public class ServiceBHedgedClient {

    private final ServiceBGreeting greeting;

    public ServiceBHedgedClient(ServiceBGreeting greeting) {
        this.greeting = greeting;
    }

    @Hedge(name = "serviceBHedged")
    @Timeout(name = "serviceBHedged")
    public String hello() {
        return greeting.fetch();
    }
}

package dev.resilience.spring.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilience.core.event.EventListener;
import dev.resilience.core.event.ResilienceEvent;

/**
 * Logs what an operator wants to follow: state transitions, a cluster-wide rate limiter's engine coming back
 * and fault injection switched or re-configured at INFO, its engine lost at WARN, retries, rejections (breaker,
 * bulkhead, rate limiter, retry budget), timeouts and injected faults and delays at DEBUG. A line about an
 * injected fault (or delay) ends in {@code [injected]}, so it is never mistaken for a real one. Runs on the
 * thread that produced the event, so the application's MDC (correlation id, trace id) is on every line.
 */
public class EventLogger implements EventListener {

    private static final Logger log = LoggerFactory.getLogger("dev.resilience");

    @Override
    public void onEvent(ResilienceEvent event) {
        if (event.type().isConfigChangeApplied()) {
            log.info("{} '{}' settings changed in place: {}", event.policy().id(), event.name(), event.detail());
            return;
        }
        switch (event.type()) {
            case STATE_TRANSITION -> log.info("circuit breaker '{}' {}{}", event.name(),
                    event.detail().replace("->", " -> "), event.reason().isEmpty() ? "" : " (" + event.reason() + ")");
            case RATE_LIMITER_ENGINE_LOST -> log.warn("rate limiter '{}' lost its cluster engine{}{}", event.name(),
                    event.detail().isEmpty() ? "" : ": " + event.detail(),
                    event.error() == null ? "" : " (" + event.error() + ")");
            case RATE_LIMITER_ENGINE_BACK -> log.info("rate limiter '{}' has its cluster engine back{}", event.name(),
                    event.detail().isEmpty() ? "" : ": " + event.detail());
            case CHAOS_CHANGED -> log.info("chaos '{}' changed: {}", event.name(), event.detail());
            case BULKHEAD_LIMIT_CHANGED -> log.info("adaptive bulkhead '{}' {}", event.name(), event.detail());
            case RETRY_SCHEDULED, RETRY_EXHAUSTED, RETRY_SUCCEEDED, NOT_PERMITTED, BULKHEAD_REJECTED, TIMEOUT,
                    FALLBACK_USED, RATE_LIMITER_REJECTED, RETRY_BUDGET_EXHAUSTED, CHAOS_FAULT_INJECTED,
                    CHAOS_LATENCY_INJECTED, HEDGE_LAUNCHED, HEDGE_WON -> {
                if (log.isDebugEnabled()) {
                    log.debug("{} '{}' {}{}{}{}", event.policy().id(), event.name(), event.type(),
                            event.detail().isEmpty() ? "" : ": " + event.detail(),
                            event.error() == null ? "" : " (" + event.error() + ")",
                            InjectedEvents.isInjected(event) ? " [injected]" : "");
                }
            }
            default -> {
                // Per-call chatter is not logged.
            }
        }
    }
}

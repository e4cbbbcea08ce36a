package dev.resilience.spring.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerSnapshot;
import dev.resilience.core.circuitbreaker.StateTransition;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/circuitbreakers}: every breaker's state and counts; one breaker with its config and recent
 * transitions; a POST that changes a breaker's state. Read-only unless the application opts in to writes with
 * {@code management.endpoint.circuitbreakers.access=unrestricted}: anyone who reaches an exposed actuator
 * could otherwise force breakers open.
 */
@Endpoint(id = "circuitbreakers", defaultAccess = Access.READ_ONLY)
public class CircuitBreakersEndpoint {

    private static final List<String> SETTABLE_STATES = Arrays.stream(CircuitBreaker.State.values())
            .map(Enum::name).toList();

    private final CircuitBreakerRegistry registry;
    private final ConfigChanges changes;

    public CircuitBreakersEndpoint(CircuitBreakerRegistry registry) {
        this(registry, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each breaker, shown in its detail once there is one */
    public CircuitBreakersEndpoint(CircuitBreakerRegistry registry, ConfigChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> circuitBreakers() {
        Map<String, Object> breakers = new LinkedHashMap<>();
        for (CircuitBreaker breaker : registry.all()) {
            breakers.put(breaker.name(), summary(breaker));
        }
        return Map.of("circuitBreakers", breakers);
    }

    @ReadOperation
    public WebEndpointResponse<Object> circuitBreaker(@Selector String name) {
        return registry.find(name).<WebEndpointResponse<Object>>map(breaker -> new WebEndpointResponse<>(details(breaker)))
                .orElseGet(() -> notFound(name));
    }

    /** Body {@code {"state": "FORCED_OPEN"}}: any state name (CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, DISABLED). */
    @WriteOperation
    public WebEndpointResponse<Object> changeState(@Selector String name, @Nullable String state) {
        CircuitBreaker breaker = registry.find(name).orElse(null);
        if (breaker == null) {
            return notFound(name);
        }
        CircuitBreaker.State target = parse(state);
        if (target == null) {
            return new WebEndpointResponse<>(Map.of("error", "unknown state '" + state + "'; valid states are "
                    + String.join(", ", SETTABLE_STATES), "validStates", SETTABLE_STATES),
                    WebEndpointResponse.STATUS_BAD_REQUEST);
        }
        breaker.transitionTo(target);
        return new WebEndpointResponse<>(details(breaker));
    }

    private static CircuitBreaker.State parse(String state) {
        if (state == null) {
            return null;
        }
        String wanted = state.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return SETTABLE_STATES.contains(wanted) ? CircuitBreaker.State.valueOf(wanted) : null;
    }

    private static WebEndpointResponse<Object> notFound(String name) {
        return InstanceResponses.notFound("no circuit breaker named '" + name + "'");
    }

    static Map<String, Object> summary(CircuitBreaker breaker) {
        CircuitBreakerSnapshot snapshot = breaker.snapshot();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("state", snapshot.state().name());
        summary.put("failureRate", snapshot.failureRate());
        summary.put("slowCallRate", snapshot.slowCallRate());
        summary.put("bufferedCalls", snapshot.bufferedCalls());
        summary.put("failedCalls", snapshot.failedCalls());
        summary.put("slowCalls", snapshot.slowCalls());
        summary.put("notPermittedCalls", snapshot.notPermittedCalls());
        summary.put("remainingOpenMillis", snapshot.remainingOpenTime().toMillis());
        return summary;
    }

    private Map<String, Object> details(CircuitBreaker breaker) {
        Map<String, Object> details = summary(breaker);
        details.put("config", config(breaker.config()));
        List<Map<String, Object>> transitions = new ArrayList<>();
        for (StateTransition transition : breaker.transitions()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("from", transition.from().name());
            entry.put("to", transition.to().name());
            entry.put("time", transition.time().toString());
            entry.put("reason", transition.reason());
            transitions.add(0, entry); // newest first
        }
        details.put("transitions", transitions);
        changes.addTo(details, PolicyKind.CIRCUIT_BREAKER, breaker.name());
        return details;
    }

    private static Map<String, Object> config(CircuitBreakerConfig config) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("slidingWindowType", config.slidingWindowType().name());
        settings.put("slidingWindowSize", config.slidingWindowSize());
        settings.put("minimumNumberOfCalls", config.minimumNumberOfCalls());
        settings.put("failureRateThreshold", config.failureRateThreshold());
        settings.put("slowCallDurationThreshold", text(config.slowCallDurationThreshold()));
        settings.put("slowCallRateThreshold", config.slowCallRateThreshold());
        settings.put("waitDurationInOpenState", text(config.waitDurationInOpenState()));
        settings.put("permittedCallsInHalfOpenState", config.permittedCallsInHalfOpenState());
        settings.put("maxWaitDurationInHalfOpenState", text(config.maxWaitDurationInHalfOpenState()));
        settings.put("recordExceptions", config.recordExceptions().stream().map(Class::getName).toList());
        settings.put("ignoreExceptions", config.ignoreExceptions().stream().map(Class::getName).toList());
        settings.put("countCallerInterruption", config.countCallerInterruption());
        return settings;
    }

    private static String text(Duration duration) {
        return duration.toString();
    }
}

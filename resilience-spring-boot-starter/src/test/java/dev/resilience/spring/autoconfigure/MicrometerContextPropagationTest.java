package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import dev.resilience.core.spi.ContextPropagation.Scope;
import dev.resilience.core.spi.ContextPropagation.Snapshot;
import io.micrometer.context.ContextRegistry;

/**
 * The MDC and Micrometer thread-locals captured on the caller's thread are installed for a hop and the hop's
 * own values come back afterwards. The hop is simulated on one thread: capture, change the thread's context
 * as a pool thread would have it, restore.
 */
@SuppressWarnings("try") // a scope is opened for its side effects only
class MicrometerContextPropagationTest {

    private static final ThreadLocal<String> TENANT = new ThreadLocal<>();

    private final ContextRegistry registry = new ContextRegistry();
    private final MicrometerContextPropagation propagation = new MicrometerContextPropagation(registry);

    @AfterEach
    void clear() {
        MDC.clear();
        TENANT.remove();
    }

    @Test
    void callersMdcReplacesTheHopsMdcAndTheHopsComesBackAfterwards() {
        MDC.put("requestId", "caller");
        Snapshot snapshot = propagation.capture();

        MDC.setContextMap(Map.of("requestId", "stale", "other", "stale"));
        try (Scope scope = snapshot.restore()) {
            assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("requestId", "caller"));
        }
        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("requestId", "stale", "other", "stale"));
    }

    @Test
    void hopWithoutMdcOfItsOwnIsLeftWithoutMdc() {
        MDC.put("requestId", "caller");
        Snapshot snapshot = propagation.capture();
        MDC.clear();

        try (Scope scope = snapshot.restore()) {
            assertThat(MDC.get("requestId")).isEqualTo("caller");
        }
        assertThat(MDC.get("requestId")).isNull();
    }

    @Test
    void callerWithoutMdcDoesNotSeeTheHopsStaleMdc() {
        MDC.clear();
        Snapshot snapshot = propagation.capture();

        MDC.put("requestId", "stale");
        try (Scope scope = snapshot.restore()) {
            assertThat(MDC.get("requestId")).isNull();
        }
        assertThat(MDC.get("requestId")).isEqualTo("stale");
    }

    @Test
    void registeredThreadLocalsTravelAndAreRestored() {
        registry.registerThreadLocalAccessor("test.tenant", TENANT::get, TENANT::set, TENANT::remove);
        TENANT.set("acme");
        Snapshot snapshot = propagation.capture();

        TENANT.set("other");
        try (Scope scope = snapshot.restore()) {
            assertThat(TENANT.get()).isEqualTo("acme");
        }
        assertThat(TENANT.get()).isEqualTo("other");
    }
}

package dev.resilience.spring.autoconfigure;

import java.util.Map;

import org.slf4j.MDC;

import dev.resilience.core.spi.ContextPropagation;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;

/**
 * Carries whatever Micrometer's context-propagation knows (observations and traces, security, anything
 * registered with the global {@link ContextRegistry}) plus the logging MDC to the threads an asynchronous
 * call hops to. The MDC is carried by us unless an MDC accessor is registered already, so it is never
 * restored twice.
 */
public class MicrometerContextPropagation implements ContextPropagation {

    private final ContextRegistry registry;
    private final ContextSnapshotFactory snapshots;

    public MicrometerContextPropagation() {
        this(ContextRegistry.getInstance());
    }

    public MicrometerContextPropagation(ContextRegistry registry) {
        this.registry = registry;
        this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).build();
    }

    @Override
    public Snapshot capture() {
        ContextSnapshot captured = snapshots.captureAll();
        if (carriesMdc()) {
            return () -> captured.setThreadLocals()::close;
        }
        // An empty MDC is captured as empty, not as "nothing": the hop must not keep a previous task's MDC.
        Map<String, String> captureMdc = MDC.getCopyOfContextMap();
        Map<String, String> mdc = captureMdc == null ? Map.of() : captureMdc;
        return () -> {
            Map<String, String> previousMdc = MDC.getCopyOfContextMap();
            MDC.setContextMap(mdc);
            ContextSnapshot.Scope scope = captured.setThreadLocals();
            return () -> {
                scope.close();
                if (previousMdc == null) {
                    MDC.clear();
                } else {
                    MDC.setContextMap(previousMdc);
                }
            };
        };
    }

    private boolean carriesMdc() {
        return registry.getThreadLocalAccessors().stream()
                .anyMatch(accessor -> Slf4jThreadLocalAccessor.KEY.equals(accessor.key()));
    }
}

package dev.resilience.reactor;

import dev.resilience.core.spi.ContextPropagation;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

/** Loaded only when Micrometer's context-propagation library is on the class path. */
final class MicrometerContextSnapshots {

    private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

    private MicrometerContextSnapshots() {
    }

    /** The thread-local values registered with the context registry, as held in {@code view}. */
    static ContextPropagation.Snapshot captureFrom(ContextView view) {
        ContextSnapshot snapshot = FACTORY.captureFrom(view);
        return () -> {
            ContextSnapshot.Scope scope = snapshot.setThreadLocals();
            return scope::close;
        };
    }
}

package dev.resilience.reactor;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.spi.ContextPropagation;

import reactor.util.context.ContextView;

/**
 * The context an execution carries to the threads it hops to (retries, timeouts, bulkhead places,
 * fallbacks): the subscribing thread's, as the pipeline captures it, and the thread-local values held in the
 * subscriber's Reactor {@code Context} when Micrometer's context-propagation library is present. Both are
 * restored, so MDC and observations reach the protected publisher and every event of the call, whether or
 * not {@code Hooks.enableAutomaticContextPropagation()} is on.
 */
final class ReactiveContext {

    private static final boolean CONTEXT_PROPAGATION_PRESENT =
            isPresent("io.micrometer.context.ContextSnapshotFactory");

    private ReactiveContext() {
    }

    static ContextPropagation.Snapshot capture(ResiliencePipeline pipeline, ContextView view) {
        ContextPropagation.Snapshot threadLocals = pipeline.contextPropagation().capture();
        if (!CONTEXT_PROPAGATION_PRESENT || view.isEmpty()) {
            return threadLocals;
        }
        ContextPropagation.Snapshot fromContext = MicrometerContextSnapshots.captureFrom(view);
        if (threadLocals == ContextPropagation.Snapshot.EMPTY) {
            return fromContext;
        }
        return () -> {
            ContextPropagation.Scope outer = threadLocals.restore();
            ContextPropagation.Scope inner = fromContext.restore();
            return () -> {
                inner.close();
                outer.close();
            };
        };
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ReactiveContext.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}

package dev.resilience.core.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link StageFactory} of each policy type. A policy class registers its factory in its static
 * initialiser, which has run by the time anyone holds an instance; the pipeline looks it up once, when it is
 * built.
 *
 * <p>Not API.
 */
public final class StageFactories {

    private static final Map<Class<?>, StageFactory<?>> FACTORIES = new ConcurrentHashMap<>();

    private StageFactories() {
    }

    /** Registers how policies of {@code type} take part in executions. */
    public static <P> void register(Class<P> type, StageFactory<P> factory) {
        FACTORIES.put(type, Objects.requireNonNull(factory, "factory"));
    }

    /** The factory of {@code policy}'s type. */
    @SuppressWarnings("unchecked")
    public static <P> StageFactory<P> of(P policy) {
        StageFactory<P> factory = (StageFactory<P>) FACTORIES.get(policy.getClass());
        if (factory == null) {
            throw new IllegalStateException("no stages registered for " + policy.getClass().getName());
        }
        return factory;
    }
}

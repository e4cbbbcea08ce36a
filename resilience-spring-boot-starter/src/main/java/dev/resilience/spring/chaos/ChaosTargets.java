package dev.resilience.spring.chaos;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRegistry;

/**
 * The chaos instances that calls get: those {@code resilience.chaos.instances} names, when
 * {@code resilience.chaos.enabled} is true; none otherwise. Each is built at start-up (the actuator shows it,
 * switched on or off, before the first call), and a call whose name is not among them pays nothing: its
 * pipeline has no chaos stage.
 *
 * <p>Who gets which instance:
 * <ul>
 * <li>an annotated method: the instance named like the method's default name ({@code SimpleClassName.method}),
 * else the first named like one of its policy instances, in the order retry, circuit breaker, rate limiter,
 * timeout, bulkhead ({@link #forMethod});
 * <li>an HTTP client under {@code resilience.http.clients}: the instance of the client's name
 * ({@link #instance}).
 * </ul>
 */
public final class ChaosTargets {

    private static final ChaosTargets NONE = new ChaosTargets(Map.of());

    private final Map<String, Chaos> instances;

    private ChaosTargets(Map<String, Chaos> instances) {
        this.instances = instances;
    }

    /** No chaos anywhere: {@code resilience.chaos.enabled} is false. */
    public static ChaosTargets none() {
        return NONE;
    }

    /** The instances of {@code registry} called {@code names}, built now. */
    public static ChaosTargets of(ChaosRegistry registry, Collection<String> names) {
        if (names.isEmpty()) {
            return NONE;
        }
        Map<String, Chaos> instances = new LinkedHashMap<>();
        for (String name : names) {
            instances.put(name, registry.instance(name));
        }
        return new ChaosTargets(Collections.unmodifiableMap(instances));
    }

    /** The instance called {@code name} if calls of that name get chaos, else {@code null}. */
    public Chaos instance(String name) {
        return instances.get(name);
    }

    /**
     * The instance for an annotated method: the first of {@code names} that has one, else {@code null}.
     *
     * @param names the method's default name first, then its policies' instance names, outermost first
     */
    public Chaos forMethod(Iterable<String> names) {
        if (instances.isEmpty()) {
            return null;
        }
        for (String name : names) {
            Chaos chaos = instances.get(name);
            if (chaos != null) {
                return chaos;
            }
        }
        return null;
    }

    /** The names that get chaos; empty when it is off. */
    public Set<String> names() {
        return instances.keySet();
    }

    /** Whether no call gets chaos. */
    public boolean isEmpty() {
        return instances.isEmpty();
    }

    @Override
    public String toString() {
        return "ChaosTargets" + instances.keySet();
    }
}

package dev.resilience.core;


import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Named instances of one kind of policy, each built on first use from its config. Configs inherit:
 * built-in defaults → the {@code default} config → shared named configs → instance overrides, each level
 * derived from its base when an instance is built.
 *
 * <pre>{@code
 * registry.configureDefault(base -> CircuitBreakerConfig.from(base).failureRateThreshold(30).build());
 * registry.addConfig("backend", "default", base -> CircuitBreakerConfig.from(base).slidingWindowSize(50).build());
 * registry.configureInstance("inventory", "backend", base -> CircuitBreakerConfig.from(base)
 *         .waitDurationInOpenState(Duration.ofSeconds(5)).build());
 * CircuitBreaker inventory = registry.instance("inventory");
 * }</pre>
 *
 * @param <C> the config type
 * @param <P> the policy type
 */
public class PolicyRegistry<C, P> {

    /** The config every instance uses unless told otherwise. */
    public static final String DEFAULT_CONFIG = "default";

    private final C builtInDefaults;
    private final BiFunction<String, C, P> factory;
    private final Function<P, String> nameOf;
    private final Map<String, ConfigSource<C>> configs = new ConcurrentHashMap<>();
    private final Map<String, ConfigSource<C>> instanceConfigs = new ConcurrentHashMap<>();
    private final Map<String, P> instances = new ConcurrentHashMap<>();
    private final List<Consumer<P>> creationListeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock creationLock = new ReentrantLock();

    /**
     * @param builtInDefaults the config of {@code default} until {@link #addConfig} replaces it
     * @param factory         builds an instance from its name and resolved config
     * @param nameOf          an instance's name, for sorting
     */
    protected PolicyRegistry(C builtInDefaults, BiFunction<String, C, P> factory, Function<P, String> nameOf) {
        this.builtInDefaults = Objects.requireNonNull(builtInDefaults, "builtInDefaults");
        this.factory = Objects.requireNonNull(factory, "factory");
        this.nameOf = Objects.requireNonNull(nameOf, "nameOf");
    }

    /** Defines (or replaces) the shared config {@code name} as a fixed value. */
    public void addConfig(String name, C config) {
        Objects.requireNonNull(config, "config");
        configs.put(validName(name), new ConfigSource<>(null, base -> config));
    }

    /**
     * Defines the shared config {@code name} as {@code overrides} applied to {@code baseConfig}
     * ({@code null}: {@code default}). For {@code default} itself, the base is the built-in defaults.
     *
     * @throws IllegalArgumentException when {@code default} is given another config as its base
     */
    public void addConfig(String name, String baseConfig, UnaryOperator<C> overrides) {
        validName(name);
        Objects.requireNonNull(overrides, "overrides");
        String base;
        if (DEFAULT_CONFIG.equals(name)) {
            if (baseConfig != null && !DEFAULT_CONFIG.equals(baseConfig)) {
                throw new IllegalArgumentException("config 'default' derives from the built-in defaults; its base "
                        + "must be null or 'default', but was '" + baseConfig + "'");
            }
            base = null;
        } else {
            base = baseConfig == null ? DEFAULT_CONFIG : validName(baseConfig);
        }
        configs.put(name, new ConfigSource<>(base, overrides));
    }

    /** Shorthand for {@code default} derived from the built-in defaults. */
    public void configureDefault(UnaryOperator<C> overrides) {
        configs.put(DEFAULT_CONFIG, new ConfigSource<>(null, overrides));
    }

    /** Instance {@code name} uses {@code config} as it is. */
    public void configureInstance(String name, C config) {
        Objects.requireNonNull(config, "config");
        instanceConfigs.put(validName(name), new ConfigSource<>(null, base -> config));
    }

    /** Instance {@code name} uses {@code overrides} applied to {@code baseConfig} when it is built. */
    public void configureInstance(String name, String baseConfig, UnaryOperator<C> overrides) {
        instanceConfigs.put(validName(name), new ConfigSource<>(validName(baseConfig), overrides));
    }

    /**
     * The resolved shared config {@code name}.
     *
     * @throws IllegalArgumentException when it is not defined, or its bases form a cycle
     */
    public C config(String name) {
        return resolve(name, new LinkedHashSet<>());
    }

    private C resolve(String name, Set<String> visiting) {
        if (!visiting.add(name)) {
            throw new IllegalArgumentException("config '" + name + "' inherits from itself: "
                    + String.join(" -> ", visiting) + " -> " + name);
        }
        ConfigSource<C> source = configs.get(name);
        if (source == null) {
            if (DEFAULT_CONFIG.equals(name)) {
                return builtInDefaults;
            }
            throw new IllegalArgumentException("no config named '" + name + "'; known configs: " + configNames());
        }
        C base = source.base == null ? builtInDefaults : resolve(source.base, visiting);
        return source.derive.apply(base);
    }

    /** Names of the shared configs, {@code default} included. */
    public Set<String> configNames() {
        Set<String> names = new TreeSet<>(configs.keySet());
        names.add(DEFAULT_CONFIG);
        return names;
    }

    /** The config instance {@code name} gets (its own overrides, else {@code default}). */
    public C instanceConfig(String name) {
        ConfigSource<C> source = instanceConfigs.get(name);
        if (source == null) {
            return config(DEFAULT_CONFIG);
        }
        return source.derive.apply(source.base == null ? builtInDefaults : config(source.base));
    }

    /** The instance {@code name}, built on first use. */
    public P instance(String name) {
        P existing = instances.get(name);
        return existing != null ? existing : create(name, () -> instanceConfig(name));
    }

    /** The instance {@code name}, built on first use from the shared config {@code configName}. */
    public P instance(String name, String configName) {
        P existing = instances.get(name);
        return existing != null ? existing : create(name, () -> config(configName));
    }

    /**
     * First use only (lookups of built instances never get here). One lock orders creations and listener
     * registrations, so a listener added while an instance is being created sees it exactly once. The config
     * is resolved outside any map computation, so resolving it may look up other instances.
     */
    private P create(String name, Supplier<C> config) {
        validName(name);
        creationLock.lock();
        try {
            P existing = instances.get(name);
            if (existing != null) {
                return existing;
            }
            P instance = factory.apply(name, config.get());
            instances.put(name, instance);
            for (Consumer<P> listener : creationListeners) {
                listener.accept(instance);
            }
            return instance;
        } finally {
            creationLock.unlock();
        }
    }

    /** The instance {@code name} if it was built. */
    public Optional<P> find(String name) {
        return Optional.ofNullable(instances.get(name));
    }

    /** Every instance built so far, sorted by name. */
    public List<P> all() {
        List<P> all = new ArrayList<>(instances.values());
        all.sort(Comparator.comparing(nameOf));
        return all;
    }

    /** Names of the instances built so far. */
    public Collection<String> names() {
        return new TreeSet<>(instances.keySet());
    }

    /**
     * Calls {@code listener} once for every instance built so far and once for each one built later. Listeners
     * run on the creating thread, one creation at a time.
     */
    public void onInstanceCreated(Consumer<P> listener) {
        Objects.requireNonNull(listener, "listener");
        creationLock.lock();
        try {
            creationListeners.add(listener);
            for (P existing : all()) {
                listener.accept(existing);
            }
        } finally {
            creationLock.unlock();
        }
    }

    /** A config or instance name: not null, not blank. */
    private static String validName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name;
    }

    private record ConfigSource<C>(String base, UnaryOperator<C> derive) {
    }
}

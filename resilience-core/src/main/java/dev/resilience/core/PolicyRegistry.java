package dev.resilience.core;


import java.io.Serializable;
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
 * derived from its base when an instance is built. This is the one place {@code base-config} inheritance is
 * resolved; the Spring Boot starter hands it each yml level as it is.
 *
 * <p>A level that cannot be derived fails with an {@link InvalidConfigException} whose {@link
 * InvalidConfigException#level() level()} names it: an invalid setting, an unknown base config or a base that
 * leads back to the level itself ({@code baseConfig} is then the setting). Resolution is lazy;
 * {@link #validate()} resolves every config now.
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

    /** The setting an {@link InvalidConfigException} names when a level's base config is at fault. */
    public static final String BASE_CONFIG = "baseConfig";

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
     * @throws InvalidConfigException when {@code default} is given another config as its base, or the base is
     *                                blank ({@code baseConfig} at {@link Level#config(String) config(name)})
     */
    public void addConfig(String name, String baseConfig, UnaryOperator<C> overrides) {
        validName(name);
        Objects.requireNonNull(overrides, "overrides");
        Level level = Level.config(name);
        String base;
        if (DEFAULT_CONFIG.equals(name)) {
            if (baseConfig != null && !DEFAULT_CONFIG.equals(baseConfig)) {
                throw new InvalidConfigException(BASE_CONFIG, baseConfig,
                        "'default' or none (config 'default' derives from the built-in defaults)").at(level);
            }
            base = null;
        } else {
            base = baseConfig == null ? DEFAULT_CONFIG : baseName(baseConfig, level);
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

    /**
     * Instance {@code name} uses {@code overrides} applied to {@code baseConfig} ({@code null}: {@code default})
     * when it is built.
     *
     * @throws InvalidConfigException when the base is blank ({@code baseConfig} at
     *                                {@link Level#instance(String) instance(name)})
     */
    public void configureInstance(String name, String baseConfig, UnaryOperator<C> overrides) {
        validName(name);
        Objects.requireNonNull(overrides, "overrides");
        String base = baseConfig == null ? DEFAULT_CONFIG : baseName(baseConfig, Level.instance(name));
        instanceConfigs.put(name, new ConfigSource<>(base, overrides));
    }

    private static String baseName(String baseConfig, Level level) {
        try {
            return notBlank(BASE_CONFIG, baseConfig);
        } catch (InvalidConfigException blank) {
            throw blank.at(level);
        }
    }

    /**
     * The resolved shared config {@code name}.
     *
     * @throws IllegalArgumentException when it is not defined
     * @throws InvalidConfigException   when it or a config it inherits from cannot be derived; {@link
     *                                  InvalidConfigException#level()} names the level at fault
     */
    public C config(String name) {
        if (!DEFAULT_CONFIG.equals(name) && !configs.containsKey(name)) {
            throw new IllegalArgumentException("no config named '" + name + "'; known configs: " + configNames());
        }
        Set<String> chain = new LinkedHashSet<>();
        chain.add(name);
        return resolve(name, chain);
    }

    /** {@code name} is defined or is {@code default}; {@code chain} holds the configs being resolved, in order. */
    private C resolve(String name, Set<String> chain) {
        ConfigSource<C> source = configs.get(name);
        return source == null ? builtInDefaults : derive(source, Level.config(name), chain);
    }

    private C derive(ConfigSource<C> source, Level level, Set<String> chain) {
        C base = builtInDefaults;
        if (source.base != null) {
            if (!DEFAULT_CONFIG.equals(source.base) && !configs.containsKey(source.base)) {
                Set<String> known = configNames();
                throw new InvalidConfigException(BASE_CONFIG, source.base, "one of the defined configs " + known)
                        .at(level);
            }
            if (!chain.add(source.base)) {
                List<String> names = new ArrayList<>(chain);
                List<String> cycle = new ArrayList<>(names.subList(names.indexOf(source.base), names.size()));
                cycle.add(source.base);
                throw new InvalidConfigException(BASE_CONFIG, source.base,
                        n -> "a config that does not inherit from '" + level.name() + "'",
                        n -> "not form a cycle (" + String.join(" -> ", cycle) + ")").at(level);
            }
            base = resolve(source.base, chain);
        }
        try {
            return source.derive.apply(base);
        } catch (InvalidConfigException invalid) {
            // The innermost level is the one at fault: an overrides function may itself resolve other configs.
            throw invalid.level().isPresent() ? invalid : invalid.at(level);
        }
    }

    /** Names of the shared configs, {@code default} included. */
    public Set<String> configNames() {
        Set<String> names = new TreeSet<>(configs.keySet());
        names.add(DEFAULT_CONFIG);
        return names;
    }

    /**
     * The config instance {@code name} gets (its own overrides, else {@code default}).
     *
     * @throws InvalidConfigException when a level it inherits from cannot be derived; {@link
     *                                InvalidConfigException#level()} names the level at fault
     */
    public C instanceConfig(String name) {
        ConfigSource<C> source = instanceConfigs.get(name);
        if (source == null) {
            return config(DEFAULT_CONFIG);
        }
        return derive(source, Level.instance(name), new LinkedHashSet<>());
    }

    /**
     * Resolves every shared config, then every instance config given to {@link #configureInstance}, each in
     * name order, so that an invalid level fails now instead of when an instance is first built.
     *
     * @throws InvalidConfigException the first level that cannot be derived, named by
     *                                {@link InvalidConfigException#level()}
     */
    public void validate() {
        for (String name : configNames()) {
            config(name);
        }
        for (String name : new TreeSet<>(instanceConfigs.keySet())) {
            instanceConfig(name);
        }
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
        return notBlank("name", name);
    }

    // As Validation in core.internal: the registry sits in the root package, which depends on no other.
    private static String notBlank(String setting, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(setting, value, n -> "not blank", n -> "not be blank");
        }
        return value;
    }

    private record ConfigSource<C>(String base, UnaryOperator<C> derive) {
    }

    /**
     * A level of inheritance: a shared config or an instance's own settings. Says where an
     * {@link InvalidConfigException} was raised.
     *
     * @param kind which map the level belongs to
     * @param name the config's or the instance's name
     */
    public record Level(Kind kind, String name) implements Serializable {

        /** Shared configs and instances have separate names. */
        public enum Kind {
            /** A shared config, added with {@link PolicyRegistry#addConfig}. */
            CONFIG,
            /** An instance's own settings, given with {@link PolicyRegistry#configureInstance}. */
            INSTANCE
        }

        public Level {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        /** The shared config {@code name}. */
        public static Level config(String name) {
            return new Level(Kind.CONFIG, name);
        }

        /** The own settings of instance {@code name}. */
        public static Level instance(String name) {
            return new Level(Kind.INSTANCE, name);
        }

        /** {@code config 'backend'} or {@code instance 'inventory'}. */
        @Override
        public String toString() {
            return (kind == Kind.CONFIG ? "config '" : "instance '") + name + "'";
        }
    }
}

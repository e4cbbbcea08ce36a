package dev.resilience.core;


import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
 * <p>{@link #reconfigure} replaces the whole set of configs while instances run: the new set is resolved and
 * checked first, then each built instance whose resolved config changes takes it in place
 * ({@link Reconfigurable}), keeping its state; with an invalid level nothing changes.
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
    /** The configs in use; {@link Reconfiguration#apply()} swaps in a whole new table. */
    private volatile Table<C> table = new Table<>();
    private final Map<String, P> instances = new ConcurrentHashMap<>();
    /** Instances built from a shared config by {@link #instance(String, String)}: the config's name. */
    private final Map<String, String> builtFromConfig = new ConcurrentHashMap<>();
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
        table.addConfig(name, config);
    }

    /**
     * Defines the shared config {@code name} as {@code overrides} applied to {@code baseConfig}
     * ({@code null}: {@code default}). For {@code default} itself, the base is the built-in defaults.
     *
     * @throws InvalidConfigException when {@code default} is given another config as its base, or the base is
     *                                blank ({@code baseConfig} at {@link Level#config(String) config(name)})
     */
    public void addConfig(String name, String baseConfig, UnaryOperator<C> overrides) {
        table.addConfig(name, baseConfig, overrides);
    }

    /** Shorthand for {@code default} derived from the built-in defaults. */
    public void configureDefault(UnaryOperator<C> overrides) {
        table.configureDefault(overrides);
    }

    /** Instance {@code name} uses {@code config} as it is. */
    public void configureInstance(String name, C config) {
        table.configureInstance(name, config);
    }

    /**
     * Instance {@code name} uses {@code overrides} applied to {@code baseConfig} ({@code null}: {@code default})
     * when it is built.
     *
     * @throws InvalidConfigException when the base is blank ({@code baseConfig} at
     *                                {@link Level#instance(String) instance(name)})
     */
    public void configureInstance(String name, String baseConfig, UnaryOperator<C> overrides) {
        table.configureInstance(name, baseConfig, overrides);
    }

    /**
     * The resolved shared config {@code name}.
     *
     * @throws IllegalArgumentException when it is not defined
     * @throws InvalidConfigException   when it or a config it inherits from cannot be derived; {@link
     *                                  InvalidConfigException#level()} names the level at fault
     */
    public C config(String name) {
        return config(table, name);
    }

    private C config(Table<C> from, String name) {
        if (!DEFAULT_CONFIG.equals(name) && !from.configs.containsKey(name)) {
            throw new IllegalArgumentException("no config named '" + name + "'; known configs: "
                    + from.configNames());
        }
        Set<String> chain = new LinkedHashSet<>();
        chain.add(name);
        return resolve(from, name, chain);
    }

    /** {@code name} is defined or is {@code default}; {@code chain} holds the configs being resolved, in order. */
    private C resolve(Table<C> from, String name, Set<String> chain) {
        ConfigSource<C> source = from.configs.get(name);
        return source == null ? builtInDefaults : derive(from, source, Level.config(name), chain);
    }

    private C derive(Table<C> from, ConfigSource<C> source, Level level, Set<String> chain) {
        C base = builtInDefaults;
        if (source.base != null) {
            if (!DEFAULT_CONFIG.equals(source.base) && !from.configs.containsKey(source.base)) {
                Set<String> known = from.configNames();
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
            base = resolve(from, source.base, chain);
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
        return table.configNames();
    }

    /**
     * The config instance {@code name} gets (its own overrides, else {@code default}).
     *
     * @throws InvalidConfigException when a level it inherits from cannot be derived; {@link
     *                                InvalidConfigException#level()} names the level at fault
     */
    public C instanceConfig(String name) {
        return instanceConfig(table, name);
    }

    private C instanceConfig(Table<C> from, String name) {
        ConfigSource<C> source = from.instanceConfigs.get(name);
        if (source == null) {
            return config(from, DEFAULT_CONFIG);
        }
        return derive(from, source, Level.instance(name), new LinkedHashSet<>());
    }

    /**
     * Resolves every shared config, then every instance config given to {@link #configureInstance}, each in
     * name order, so that an invalid level fails now instead of when an instance is first built.
     *
     * @throws InvalidConfigException the first level that cannot be derived, named by
     *                                {@link InvalidConfigException#level()}
     */
    public void validate() {
        validate(table);
    }

    private void validate(Table<C> from) {
        for (String name : from.configNames()) {
            config(from, name);
        }
        for (String name : new TreeSet<>(from.instanceConfigs.keySet())) {
            instanceConfig(from, name);
        }
    }

    // ---- live reconfiguration --------------------------------------------------------------------------

    /**
     * An empty set of definitions, to fill the way this registry is filled ({@code addConfig},
     * {@code configureInstance}) and hand to {@link #reconfigure} or {@link #prepareReconfiguration}.
     */
    public Definitions<C> newDefinitions() {
        return new Definitions<>();
    }

    /**
     * Replaces every shared config and instance config with {@code definitions}, in place: the whole new set is
     * resolved and checked first, and only when all of it is valid does every instance built so far take its
     * new config (through {@link Reconfigurable#reconfigure}), keeping its state; instances built later use the
     * new set. An instance whose own entry is gone falls back to {@code default}, like one that never had one.
     * When anything is invalid, nothing changes.
     *
     * @throws InvalidConfigException when a level of the new set cannot be derived ({@link
     *                                InvalidConfigException#level()} names it), or an instance refuses its new
     *                                config
     * @throws IllegalStateException  when an instance built so far cannot change in place (it does not
     *                                implement {@link Reconfigurable}) or was built from a shared config the new
     *                                set no longer defines
     */
    public void reconfigure(Definitions<C> definitions) {
        prepareReconfiguration(definitions).apply();
    }

    /**
     * The first half of {@link #reconfigure}: resolves and checks {@code definitions} against every instance
     * built so far, changing nothing. Callers that change several registries together prepare each of them,
     * then apply them all, so that one invalid setting anywhere applies nothing anywhere.
     *
     * @throws InvalidConfigException as {@link #reconfigure}
     * @throws IllegalStateException  as {@link #reconfigure}
     */
    public Reconfiguration prepareReconfiguration(Definitions<C> definitions) {
        Objects.requireNonNull(definitions, "definitions");
        Table<C> next = definitions.table.copy();
        validate(next);
        Set<String> built = new TreeSet<>(instances.keySet());
        return new Reconfiguration(next, built, resolveChanged(next, built));
    }

    /**
     * The new config of each instance among {@code names} whose settings differ between the set in use and
     * {@code next} (by {@code equals}), each checked by {@link #checkChange}. An instance whose settings do not
     * change is left alone, keeping its config even where it was changed by hand ({@link Reconfigurable}).
     */
    private Map<String, C> resolveChanged(Table<C> next, Set<String> names) {
        Map<String, C> changed = new TreeMap<>();
        for (String name : names) {
            P instance = instances.get(name);
            String configName = builtFromConfig.get(name);
            C config;
            if (configName == null) {
                config = instanceConfig(next, name);
            } else if (DEFAULT_CONFIG.equals(configName) || next.configs.containsKey(configName)) {
                config = config(next, configName);
            } else {
                throw new IllegalStateException("instance '" + name + "' was built from config '" + configName
                        + "', which the new settings no longer define; known configs: " + next.configNames());
            }
            if (config.equals(resolvedNow(name, configName))) {
                continue;
            }
            if (!(instance instanceof Reconfigurable<?>)) {
                throw new IllegalStateException("instance '" + name + "' (" + instance.getClass().getName()
                        + ") cannot change its settings in place: it does not implement "
                        + Reconfigurable.class.getName());
            }
            try {
                checkChange(instance, config);
            } catch (InvalidConfigException refused) {
                throw refused.level().isPresent() ? refused : refused.at(Level.instance(name));
            }
            changed.put(name, config);
        }
        return changed;
    }

    /** What the set in use resolves for instance {@code name}; {@code null} when it no longer can. */
    private C resolvedNow(String name, String configName) {
        try {
            return configName == null ? instanceConfig(table, name) : config(table, configName);
        } catch (IllegalArgumentException unresolvable) { // InvalidConfigException included
            return null;
        }
    }

    /**
     * Whether {@code instance} can take {@code config} in place; a registry whose instances hold something a
     * setting cannot change while they run overrides this to refuse such a change.
     *
     * @throws InvalidConfigException naming the setting that cannot change this way
     */
    protected void checkChange(P instance, C config) {
        // Every setting of most policies changes in place.
    }

    /**
     * A checked new set of configs ({@link #prepareReconfiguration}), not applied yet.
     */
    public final class Reconfiguration {

        private final Table<C> next;
        private final Set<String> built;
        private final Map<String, C> changed;

        private Reconfiguration(Table<C> next, Set<String> built, Map<String, C> changed) {
            this.next = next;
            this.built = built;
            this.changed = changed;
        }

        /** The new config of each instance built when this was prepared whose settings change, by name. */
        public Map<String, C> instanceConfigs() {
            return Collections.unmodifiableMap(changed);
        }

        /**
         * Swaps in the new set and hands each built instance whose settings change its new config. Instances
         * built since this was prepared are resolved and checked too, first: if one of them cannot take its
         * config, nothing changes.
         *
         * @throws InvalidConfigException as {@link PolicyRegistry#reconfigure}
         * @throws IllegalStateException  as {@link PolicyRegistry#reconfigure}
         */
        @SuppressWarnings("unchecked")
        public void apply() {
            creationLock.lock();
            try {
                Map<String, C> configs = changed;
                if (!built.containsAll(instances.keySet())) {
                    Set<String> since = new TreeSet<>(instances.keySet());
                    since.removeAll(built);
                    configs = new TreeMap<>(changed);
                    configs.putAll(resolveChanged(next, since));
                }
                table = next;
                configs.forEach((name, config) -> ((Reconfigurable<C>) instances.get(name)).reconfigure(config));
            } finally {
                creationLock.unlock();
            }
        }
    }

    /**
     * A whole set of shared configs and instance configs, defined like a registry's own, for
     * {@link #reconfigure}. Not thread-safe: fill it on one thread.
     *
     * @param <C> the config type
     */
    public static final class Definitions<C> {

        private final Table<C> table = new Table<>();

        private Definitions() {
        }

        /** As {@link PolicyRegistry#addConfig(String, Object)}. */
        public Definitions<C> addConfig(String name, C config) {
            table.addConfig(name, config);
            return this;
        }

        /** As {@link PolicyRegistry#addConfig(String, String, UnaryOperator)}. */
        public Definitions<C> addConfig(String name, String baseConfig, UnaryOperator<C> overrides) {
            table.addConfig(name, baseConfig, overrides);
            return this;
        }

        /** As {@link PolicyRegistry#configureDefault(UnaryOperator)}. */
        public Definitions<C> configureDefault(UnaryOperator<C> overrides) {
            table.configureDefault(overrides);
            return this;
        }

        /** As {@link PolicyRegistry#configureInstance(String, Object)}. */
        public Definitions<C> configureInstance(String name, C config) {
            table.configureInstance(name, config);
            return this;
        }

        /** As {@link PolicyRegistry#configureInstance(String, String, UnaryOperator)}. */
        public Definitions<C> configureInstance(String name, String baseConfig, UnaryOperator<C> overrides) {
            table.configureInstance(name, baseConfig, overrides);
            return this;
        }
    }

    /** The instance {@code name}, built on first use. */
    public P instance(String name) {
        P existing = instances.get(name);
        return existing != null ? existing : create(name, null, () -> instanceConfig(name));
    }

    /** The instance {@code name}, built on first use from the shared config {@code configName}. */
    public P instance(String name, String configName) {
        P existing = instances.get(name);
        return existing != null ? existing : create(name, configName, () -> config(configName));
    }

    /**
     * First use only (lookups of built instances never get here). One lock orders creations and listener
     * registrations, so a listener added while an instance is being created sees it exactly once. The config
     * is resolved outside any map computation, so resolving it may look up other instances.
     */
    private P create(String name, String configName, Supplier<C> config) {
        validName(name);
        creationLock.lock();
        try {
            P existing = instances.get(name);
            if (existing != null) {
                return existing;
            }
            P instance = factory.apply(name, config.get());
            if (configName != null) {
                builtFromConfig.put(name, configName);
            }
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

    /** Shared configs and instance configs by name, as defined (resolved on use). */
    private static final class Table<C> {

        final Map<String, ConfigSource<C>> configs = new ConcurrentHashMap<>();
        final Map<String, ConfigSource<C>> instanceConfigs = new ConcurrentHashMap<>();

        Table<C> copy() {
            Table<C> copy = new Table<>();
            copy.configs.putAll(configs);
            copy.instanceConfigs.putAll(instanceConfigs);
            return copy;
        }

        Set<String> configNames() {
            Set<String> names = new TreeSet<>(configs.keySet());
            names.add(DEFAULT_CONFIG);
            return names;
        }

        void addConfig(String name, C config) {
            Objects.requireNonNull(config, "config");
            configs.put(validName(name), new ConfigSource<>(null, base -> config));
        }

        void addConfig(String name, String baseConfig, UnaryOperator<C> overrides) {
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

        void configureDefault(UnaryOperator<C> overrides) {
            Objects.requireNonNull(overrides, "overrides");
            configs.put(DEFAULT_CONFIG, new ConfigSource<>(null, overrides));
        }

        void configureInstance(String name, C config) {
            Objects.requireNonNull(config, "config");
            instanceConfigs.put(validName(name), new ConfigSource<>(null, base -> config));
        }

        void configureInstance(String name, String baseConfig, UnaryOperator<C> overrides) {
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

package dev.resilience.spring.reconfigure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;
import dev.resilience.spring.autoconfigure.ResilienceProperties;

/**
 * Applies changed {@code resilience.*} settings while the application runs, in place: instances keep their state
 * (a breaker its state and window, a limiter its counters) and the next call uses the new settings. Spring Cloud
 * applications get it on every environment change that touches {@code resilience.*}; others change a property
 * source of the {@link Environment} and call {@link #reconfigure()}:
 *
 * <pre>{@code
 * environment.getPropertySources().addFirst(new MapPropertySource("tuning",
 *         Map.of("resilience.circuitbreaker.instances.inventory.failure-rate-threshold", "30")));
 * ConfigChange change = reconfiguration.reconfigure();   // APPLIED, or REJECTED with the property at fault
 * }</pre>
 *
 * <p>The whole change is checked first: when a value is invalid, or is one that cannot change while the
 * application runs ({@code resilience.enabled}, {@code resilience.events.*}, {@code resilience.web.*},
 * {@code resilience.http.*}, {@code resilience.chaos.enabled}, {@code resilience.reconfiguration.*},
 * {@code resilience.circuitbreaker.health.*}, a new chaos
 * instance while fault injection is on, a new retry budget, the bucket settings of a cluster-scoped rate limiter),
 * every setting keeps its old value. The rejection is logged as an ERROR naming the property, published as a
 * {@code *_CONFIG_CHANGE_REJECTED} event on the instances it concerns, and shown as {@code lastConfigChange} in
 * their actuator details.
 */
public class ResilienceReconfiguration implements ConfigChanges {

    private static final Logger log = LoggerFactory.getLogger(ResilienceReconfiguration.class);

    private static final String PREFIX = "resilience";
    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);

    /** Read once at start-up: a change of these is refused (exact names, or prefixes ending in a dot). */
    private static final List<String> FIXED = List.of("resilience.enabled", "resilience.events.",
            "resilience.web.", "resilience.http.", "resilience.chaos.enabled", "resilience.reconfiguration.",
            "resilience.circuitbreaker.health.");

    private final Environment environment;
    private final Function<ResilienceProperties, Runnable> prepare;
    private final Clock clock;
    private final Map<PolicyKind, Instances> instances = new LinkedHashMap<>();
    private final Map<String, ConfigChange> lastChanges = new ConcurrentHashMap<>();

    /** The {@code resilience.*} properties in use, by canonical name, and what they bound to. */
    private Map<String, String> applied;
    private ResilienceProperties appliedProperties;
    private volatile ConfigChange lastChange;

    /**
     * @param prepare checks a new binding against the running policies, changing nothing, and returns what
     *                applies it ({@code PolicyReconfigurer::prepare}); throws
     *                {@link InvalidResilienceConfigException} naming the property at fault
     */
    public ResilienceReconfiguration(Environment environment, Function<ResilienceProperties, Runnable> prepare,
            Clock clock, CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads,
            ChaosRegistry chaos, HedgeRegistry hedges) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.prepare = Objects.requireNonNull(prepare, "prepare");
        this.clock = Objects.requireNonNull(clock, "clock");
        add(PolicyKind.CIRCUIT_BREAKER, circuitBreakers, CircuitBreaker::events, CircuitBreaker::config);
        add(PolicyKind.RETRY, retries, Retry::events, Retry::config);
        add(PolicyKind.RATE_LIMITER, rateLimiters, RateLimiter::events, RateLimiter::config);
        add(PolicyKind.TIMEOUT, timeouts, Timeout::events, Timeout::config);
        add(PolicyKind.BULKHEAD, bulkheads, Bulkhead::events, Bulkhead::config);
        add(PolicyKind.CHAOS, chaos, Chaos::events, Chaos::config);
        add(PolicyKind.HEDGE, hedges, Hedge::events, Hedge::config);
        this.applied = snapshot();
        this.appliedProperties = bind();
    }

    private <P> void add(PolicyKind kind, PolicyRegistry<?, P> registry, Function<P, EventPublisher> events,
            Function<P, Object> config) {
        instances.put(kind, new Instances(() -> {
            Map<String, EventPublisher> built = new TreeMap<>();
            for (P instance : registry.all()) {
                EventPublisher publisher = events.apply(instance);
                built.put(publisher.name(), publisher);
            }
            return built;
        }, () -> {
            Map<String, Object> configs = new TreeMap<>();
            for (P instance : registry.all()) {
                configs.put(events.apply(instance).name(), config.apply(instance));
            }
            return configs;
        }, EventType.configChangeRejected(kind)));
    }

    /**
     * Binds {@code resilience.*} from the environment again and applies what changed since the last applied
     * change (or start-up), in place, all or nothing.
     *
     * @return {@code APPLIED}; {@code REJECTED} with the property at fault (nothing changed); or
     *         {@code UNCHANGED} when no {@code resilience.*} property changed
     */
    public synchronized ConfigChange reconfigure() {
        Instant now = Instant.ofEpochMilli(clock.currentTimeMillis());
        Map<String, String> next = snapshot();
        List<String> changed = changes(applied, next);
        if (changed.isEmpty()) {
            return new ConfigChange(now, ConfigChange.Status.UNCHANGED, changed, null,
                    "no resilience.* property changed");
        }
        for (String property : changed) {
            if (isFixed(property)) {
                return reject(now, changed, property, "cannot change while the application runs (it is read at "
                        + "start-up); restart the application to change it");
            }
        }
        ResilienceProperties properties;
        try {
            properties = bind();
        } catch (BindException invalid) {
            return reject(now, changed, bindProperty(invalid), bindProblem(invalid));
        }
        String newChaos = newChaosInstance(properties);
        if (newChaos != null) {
            return reject(now, changed, "resilience.chaos.instances." + newChaos, "is a new chaos instance, but the "
                    + "methods and clients fault injection reaches are chosen at start-up; restart the application "
                    + "to add it");
        }
        Runnable apply;
        try {
            apply = prepare.apply(properties);
        } catch (InvalidResilienceConfigException invalid) {
            return reject(now, changed, invalid.property(), problem(invalid));
        }
        Map<PolicyKind, Map<String, Object>> before = new LinkedHashMap<>();
        instances.forEach((kind, all) -> before.put(kind, all.configs.get()));
        apply.run();
        applied = next;
        appliedProperties = properties;
        ConfigChange change = new ConfigChange(now, ConfigChange.Status.APPLIED, changed, null,
                "applied in place: " + String.join(", ", changed));
        log.info("Resilience settings changed in place: {}", String.join(", ", changed));
        lastChange = change;
        // Shown on the instances whose settings changed: an instance whose new config equals its old one keeps it.
        instances.forEach((kind, all) -> all.configs.get().forEach((name, config) -> {
            if (before.get(kind).get(name) != config) {
                lastChanges.put(key(kind, name), change);
            }
        }));
        return change;
    }

    /** The last change tried, if any: applied or rejected. */
    public Optional<ConfigChange> lastChange() {
        return Optional.ofNullable(lastChange);
    }

    @Override
    public Optional<ConfigChange> lastChange(PolicyKind kind, String name) {
        return Optional.ofNullable(lastChanges.get(key(kind, name)));
    }

    private ConfigChange reject(Instant now, List<String> changed, String property, String problem) {
        String message = property + " " + problem;
        log.error("Resilience settings not changed, every setting keeps its value: {}", message);
        ConfigChange change = new ConfigChange(now, ConfigChange.Status.REJECTED, changed, property, message);
        lastChange = change;
        concerned(property).forEach((kind, names) -> {
            Instances all = instances.get(kind);
            Map<String, EventPublisher> built = all.built.get();
            for (String name : names) {
                lastChanges.put(key(kind, name), change);
                built.get(name).publish(all.rejected, message);
            }
        });
        return change;
    }

    /**
     * The built instances a rejected {@code property} concerns: the instance it names; else every instance of the
     * policy it belongs to; else (a setting of no policy) every instance.
     */
    private Map<PolicyKind, Set<String>> concerned(String property) {
        Map<PolicyKind, Set<String>> concerned = new LinkedHashMap<>();
        for (Map.Entry<PolicyKind, Instances> entry : instances.entrySet()) {
            String policy = PREFIX + "." + entry.getKey().id();
            if (property.equals(policy) || property.startsWith(policy + ".")) {
                Set<String> built = entry.getValue().built.get().keySet();
                String instance = instanceNamed(property, policy + ".instances.");
                concerned.put(entry.getKey(), instance != null && built.contains(instance) ? Set.of(instance)
                        : new TreeSet<>(built));
                return concerned;
            }
        }
        instances.forEach((kind, all) -> concerned.put(kind, new TreeSet<>(all.built.get().keySet())));
        return concerned;
    }

    private static String instanceNamed(String property, String instancesPrefix) {
        if (!property.startsWith(instancesPrefix)) {
            return null;
        }
        String rest = property.substring(instancesPrefix.length());
        int end = rest.indexOf('.');
        return end < 0 ? rest : rest.substring(0, end);
    }

    private static String key(PolicyKind kind, String name) {
        return kind.id() + ":" + name;
    }

    private static boolean isFixed(String property) {
        for (String fixed : FIXED) {
            if (fixed.endsWith(".") ? property.startsWith(fixed) : property.equals(fixed)) {
                return true;
            }
        }
        return false;
    }

    /** A chaos instance the new settings name and the running ones did not, while fault injection is on. */
    private String newChaosInstance(ResilienceProperties next) {
        if (!appliedProperties.getChaos().isEnabled()) {
            return null;
        }
        Set<String> added = new TreeSet<>(next.getChaos().getInstances().keySet());
        added.removeAll(appliedProperties.getChaos().getInstances().keySet());
        return added.isEmpty() ? null : added.iterator().next();
    }

    /** {@code resilience.*} bound as at start-up: unknown keys and values that do not convert are errors. */
    private ResilienceProperties bind() {
        BindHandler handler = new NoUnboundElementsBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler());
        return Binder.get(environment).bindOrCreate(PREFIX, Bindable.of(ResilienceProperties.class), handler);
    }

    private static String bindProperty(BindException invalid) {
        if (invalid.getCause() instanceof UnboundConfigurationPropertiesException unbound
                && !unbound.getUnboundProperties().isEmpty()) {
            return unbound.getUnboundProperties().iterator().next().getName().toString();
        }
        ConfigurationProperty property = invalid.getProperty();
        return property != null ? property.getName().toString() : invalid.getName().toString();
    }

    private static String bindProblem(BindException invalid) {
        if (invalid.getCause() instanceof UnboundConfigurationPropertiesException) {
            return "is not a known setting";
        }
        ConfigurationProperty property = invalid.getProperty();
        Throwable cause = invalid.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String value = property == null ? "" : " '" + property.getValue() + "'";
        return "cannot be bound: the value" + value + " is not valid ("
                + (cause == null ? invalid.getMessage() : cause.getMessage()) + ")";
    }

    /** The exception's message without the property it starts with. */
    private static String problem(InvalidResilienceConfigException invalid) {
        String message = invalid.getMessage();
        String property = invalid.property();
        return message.startsWith(property + " ") ? message.substring(property.length() + 1) : message;
    }

    /** Every {@code resilience.*} property of the environment, by canonical name, the first source winning. */
    private Map<String, String> snapshot() {
        Map<String, String> values = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().filter(name -> ROOT.isAncestorOf(name)).forEach(name -> {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    if (property != null) {
                        values.putIfAbsent(name.toString(), String.valueOf(property.getValue()));
                    }
                });
            }
        }
        return values;
    }

    private static List<String> changes(Map<String, String> before, Map<String, String> after) {
        Set<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<String> changed = new ArrayList<>();
        for (String name : names) {
            if (!Objects.equals(before.get(name), after.get(name))) {
                changed.add(name);
            }
        }
        return changed;
    }

    /**
     * The instances of one policy built so far: their events and their configs by name, and the event type a
     * rejected change publishes.
     */
    private record Instances(Supplier<Map<String, EventPublisher>> built, Supplier<Map<String, Object>> configs,
            EventType rejected) {
    }
}

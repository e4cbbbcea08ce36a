package dev.resilience.spring.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.ClassUtils;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.spring.reconfigure.ConfigChanges;

/**
 * {@code /actuator/chaos}: every fault-injection instance's settings and what it injected so far; one instance;
 * and a POST that changes an instance's settings at run time ({@code {"enabled": true, "faultRate": 0.5}}:
 * fields left out keep their values). The POST is a write, so the endpoint is read-only unless the application
 * allows more: {@code management.endpoint.chaos.access=unrestricted}.
 */
@Endpoint(id = "chaos", defaultAccess = Access.READ_ONLY)
public class ChaosEndpoint {

    /** The fields a POST may set, named as in the JSON body. */
    static final List<String> FIELDS = List.of("enabled", "faultRate", "exception", "latency", "latencyRate",
            "status");

    private final ChaosRegistry registry;
    private final boolean chaosEnabled;
    private final ClassLoader classLoader;
    private final ConfigChanges changes;

    /**
     * @param chaosEnabled whether {@code resilience.chaos.enabled} is true (shown; without it, no call has a
     *                     chaos instance)
     * @param classLoader  loads the exception classes a POST names
     */
    public ChaosEndpoint(ChaosRegistry registry, boolean chaosEnabled, ClassLoader classLoader) {
        this(registry, chaosEnabled, classLoader, ConfigChanges.NONE);
    }

    /** @param changes the last live change of the settings of each instance, shown in its detail once there is one */
    public ChaosEndpoint(ChaosRegistry registry, boolean chaosEnabled, ClassLoader classLoader,
            ConfigChanges changes) {
        this.registry = registry;
        this.chaosEnabled = chaosEnabled;
        this.classLoader = classLoader;
        this.changes = changes;
    }

    @ReadOperation
    public Map<String, Object> chaos() {
        Map<String, Object> instances = new LinkedHashMap<>();
        for (Chaos chaos : registry.all()) {
            instances.put(chaos.name(), view(chaos));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", chaosEnabled);
        body.put("instances", instances);
        return body;
    }

    @ReadOperation
    public WebEndpointResponse<Object> instance(@Selector String name) {
        return registry.find(name).<WebEndpointResponse<Object>>map(chaos -> {
            Map<String, Object> detail = view(chaos);
            changes.addTo(detail, PolicyKind.CHAOS, chaos.name());
            return new WebEndpointResponse<>(detail);
        }).orElseGet(() -> notFound(name));
    }

    /**
     * Changes the settings given, keeps the others. Values may be JSON strings or numbers: {@code latency} as
     * {@code "200ms"}, {@code "PT0.2S"} or milliseconds, {@code exception} as a fully qualified class name.
     * An invalid value answers 400 naming the field, and changes nothing.
     */
    @WriteOperation
    public synchronized WebEndpointResponse<Object> configure(@Selector String name, @Nullable String enabled,
            @Nullable String faultRate, @Nullable String exception, @Nullable String latency,
            @Nullable String latencyRate, @Nullable String status) {
        Chaos chaos = registry.find(name).orElse(null);
        if (chaos == null) {
            return notFound(name);
        }
        if (enabled == null && faultRate == null && exception == null && latency == null && latencyRate == null
                && status == null) {
            return badRequest(null, "no settings given; expected any of " + String.join(", ", FIELDS));
        }
        ChaosConfig.Builder builder = ChaosConfig.from(chaos.config());
        try {
            if (enabled != null) {
                builder.enabled(parseBoolean("enabled", enabled));
            }
            if (faultRate != null) {
                builder.faultRate(parseDouble("faultRate", faultRate));
            }
            if (exception != null) {
                builder.exception(exceptionType(exception));
            }
            if (latency != null) {
                builder.latency(parseDuration(latency));
            }
            if (latencyRate != null) {
                builder.latencyRate(parseDouble("latencyRate", latencyRate));
            }
            if (status != null) {
                builder.status(parseInt("status", status));
            }
            chaos.configure(builder.build());
        } catch (InvalidConfigException invalid) {
            return badRequest(invalid.setting(), invalid.getMessage());
        }
        return new WebEndpointResponse<>(view(chaos));
    }

    private static boolean parseBoolean(String field, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new InvalidConfigException(field, value, "true or false");
    }

    private static double parseDouble(String field, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException notANumber) {
            throw new InvalidConfigException(field, value, "a share from 0 to 1");
        }
    }

    private static int parseInt(String field, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException notANumber) {
            throw new InvalidConfigException(field, value, "an HTTP status from 100 to 599, or 0 for none");
        }
    }

    private static Duration parseDuration(String value) {
        try {
            return DurationStyle.detectAndParse(value.trim());
        } catch (RuntimeException notADuration) {
            throw new InvalidConfigException("latency", value, "a duration such as 200ms, 2s or PT0.2S");
        }
    }

    private Class<? extends Throwable> exceptionType(String value) {
        String name = value.trim();
        Class<?> type;
        try {
            type = ClassUtils.forName(name, classLoader);
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException notFound) {
            throw new InvalidConfigException("exception", value, "the fully qualified name of an exception type");
        }
        if (!Throwable.class.isAssignableFrom(type)) {
            throw new InvalidConfigException("exception", value, "the fully qualified name of an exception type");
        }
        return type.asSubclass(Throwable.class);
    }

    private static WebEndpointResponse<Object> badRequest(@Nullable String field, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }

    private WebEndpointResponse<Object> notFound(String name) {
        return InstanceResponses.notFound("no chaos instance named '" + name + "'"
                + (chaosEnabled ? "" : "; resilience.chaos.enabled is false, so no call has one"));
    }

    static Map<String, Object> view(Chaos chaos) {
        ChaosConfig config = chaos.config();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", config.enabled());
        view.put("faultRate", config.faultRate());
        view.put("exception", config.exception().getName());
        view.put("latency", config.latency().toString());
        view.put("latencyRate", config.latencyRate());
        view.put("status", config.status());
        view.put("injectedFaults", chaos.injectedFaults());
        view.put("injectedLatencies", chaos.injectedLatencies());
        return view;
    }
}

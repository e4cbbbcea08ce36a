package dev.resilience.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.circuitbreaker.SlidingWindowType;

/**
 * Resolves one policy's {@code configs} and {@code instances} into finished core configs, following
 * {@code base-config} chains (default: {@code default}; {@code default} itself sits on the built-in
 * defaults). Each level is built and validated on its own, so an error names the level that introduced it.
 *
 * @param <S> the settings type bound from yml
 * @param <C> the core config type
 * @param <B> the core config builder type
 */
final class ConfigResolver<S extends PolicySettings, C, B> {

    /** Applies the non-null settings of one level onto a builder; {@code path} prefixes error messages. */
    interface SettingsApplier<S, B> {
        void apply(S settings, B builder, String path);
    }

    private final String prefix;
    private final PolicyProperties<S> properties;
    private final C builtInDefaults;
    private final Function<C, B> builderFrom;
    private final SettingsApplier<S, B> applier;
    private final Function<B, C> build;
    private final Map<String, C> resolvedConfigs = new LinkedHashMap<>();

    ConfigResolver(String prefix, PolicyProperties<S> properties, C builtInDefaults, Function<C, B> builderFrom,
            SettingsApplier<S, B> applier, Function<B, C> build) {
        this.prefix = prefix;
        this.properties = properties;
        this.builtInDefaults = builtInDefaults;
        this.builderFrom = builderFrom;
        this.applier = applier;
        this.build = build;
    }

    /** Resolves everything and registers it: shared configs, then instance configs. */
    void configure(PolicyRegistry<C, ?> registry) {
        for (String name : properties.getConfigs().keySet()) {
            registry.addConfig(name, config(name, new ArrayList<>()));
        }
        properties.getInstances().forEach((name, settings) -> {
            String path = prefix + ".instances." + name;
            String base = baseOf(settings, path, PolicyRegistry.DEFAULT_CONFIG);
            registry.configureInstance(name, derive(config(base, new ArrayList<>()), settings, path));
        });
    }

    private C config(String name, List<String> chain) {
        C resolved = resolvedConfigs.get(name);
        if (resolved != null) {
            return resolved;
        }
        S settings = properties.getConfigs().get(name);
        if (settings == null) {
            // Only reachable for default: other names are checked by baseOf before we get here.
            return builtInDefaults;
        }
        String path = prefix + ".configs." + name;
        chain.add(name);
        String base = baseOf(settings, path, PolicyRegistry.DEFAULT_CONFIG.equals(name) ? null
                : PolicyRegistry.DEFAULT_CONFIG);
        if (base != null && chain.contains(base)) {
            throw new InvalidResilienceConfigException(path + ".base-config", "forms a cycle: "
                    + String.join(" -> ", chain) + " -> " + base + "; expected a chain that ends at default");
        }
        C baseConfig = base == null ? builtInDefaults : config(base, chain);
        C config = derive(baseConfig, settings, path);
        resolvedConfigs.put(name, config);
        return config;
    }

    private String baseOf(S settings, String path, String fallback) {
        String base = settings.getBaseConfig();
        if (base == null || base.isBlank()) {
            return fallback;
        }
        if (!properties.getConfigs().containsKey(base) && !PolicyRegistry.DEFAULT_CONFIG.equals(base)) {
            Set<String> known = new TreeSet<>(properties.getConfigs().keySet());
            known.add(PolicyRegistry.DEFAULT_CONFIG);
            throw new InvalidResilienceConfigException(path + ".base-config", "names '" + base
                    + "', which is not defined under " + prefix + ".configs; expected one of " + known);
        }
        return base;
    }

    private C derive(C base, S settings, String path) {
        B builder = builderFrom.apply(base);
        applier.apply(settings, builder, path);
        try {
            return build.apply(builder);
        } catch (IllegalArgumentException invalid) {
            throw toPropertyError(path, invalid);
        }
    }

    private static final Pattern CAMEL_CASE_SETTING = Pattern.compile("\\b[a-z]+(?:[A-Z][a-z]+)+\\b");

    /**
     * Core messages start with the setting's name ({@code failureRateThreshold must ...}): swap in the path,
     * and write any other setting or enum constant the message mentions as it is written in yml.
     */
    static InvalidResilienceConfigException toPropertyError(String path, IllegalArgumentException invalid) {
        String message = String.valueOf(invalid.getMessage());
        int space = message.indexOf(' ');
        String setting = space > 0 ? message.substring(0, space) : "";
        if (!setting.isEmpty() && setting.chars().allMatch(Character::isLetter)) {
            return new InvalidResilienceConfigException(path + "." + kebab(setting),
                    asInYml(message.substring(space + 1)));
        }
        return new InvalidResilienceConfigException(path, asInYml(message));
    }

    private static String asInYml(String text) {
        String settings = CAMEL_CASE_SETTING.matcher(text).replaceAll(match -> kebab(match.group()));
        for (SlidingWindowType type : SlidingWindowType.values()) {
            settings = settings.replace(type.name(), type.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return settings;
    }

    static String kebab(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 8);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

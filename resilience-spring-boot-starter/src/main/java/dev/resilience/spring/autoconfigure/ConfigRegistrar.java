package dev.resilience.spring.autoconfigure;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.InvalidConfigException.Notation;
import dev.resilience.core.PolicyRegistry;

/**
 * Hands one policy's yml {@code configs} and {@code instances} to its registry, one level at a time: each
 * level's settings become the overrides of that level, its {@code base-config} the level's base. The registry
 * resolves the inheritance and validates each level on its own; this class only turns its typed errors into
 * the yml property path, and resolves everything at start-up so that nothing fails at first use.
 *
 * @param <S> the settings type bound from yml
 * @param <C> the core config type
 * @param <B> the core config builder type
 */
final class ConfigRegistrar<S extends PolicySettings, C, B> {

    /** Applies the non-null settings of one level onto a builder; {@code path} prefixes error messages. */
    interface SettingsApplier<S, B> {
        void apply(S settings, B builder, String path);
    }

    /** Settings as yml keys ({@code sliding-window-size}), enum constants as yml values ({@code count-based}). */
    private static final Notation YML = new Notation() {
        @Override
        public String setting(String setting) {
            return kebab(setting);
        }

        @Override
        public String value(Object value) {
            if (value instanceof Enum<?> constant) {
                return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
            return Notation.super.value(value);
        }
    };

    private final String prefix;
    private final PolicyProperties<S> properties;
    private final Function<C, B> builderFrom;
    private final SettingsApplier<S, B> applier;
    private final Function<B, C> build;

    ConfigRegistrar(String prefix, PolicyProperties<S> properties, Function<C, B> builderFrom,
            SettingsApplier<S, B> applier, Function<B, C> build) {
        this.prefix = prefix;
        this.properties = properties;
        this.builderFrom = builderFrom;
        this.applier = applier;
        this.build = build;
    }

    /**
     * Registers shared configs and instance configs, then resolves them all.
     *
     * @throws InvalidResilienceConfigException naming the property path of the first invalid setting
     */
    void configure(PolicyRegistry<C, ?> registry) {
        try {
            properties.getConfigs().forEach((name, settings) -> registry.addConfig(name, baseOf(settings),
                    overrides(settings, prefix + ".configs." + name)));
            properties.getInstances().forEach((name, settings) -> registry.configureInstance(name, baseOf(settings),
                    overrides(settings, prefix + ".instances." + name)));
            registry.validate();
        } catch (InvalidConfigException invalid) {
            throw toPropertyError(invalid);
        }
    }

    /**
     * The yml levels as a whole new set of configs for {@code registry}, resolved and checked against every instance
     * it has built (see {@link PolicyRegistry#prepareReconfiguration}); nothing changes until the returned action
     * runs.
     *
     * @throws InvalidResilienceConfigException naming the property path of the first invalid setting, or the
     *                                          policy's prefix when a built instance cannot change in place
     */
    <P> Runnable prepare(PolicyRegistry<C, P> registry) {
        try {
            PolicyRegistry.Definitions<C> definitions = registry.newDefinitions();
            properties.getConfigs().forEach((name, settings) -> definitions.addConfig(name, baseOf(settings),
                    overrides(settings, prefix + ".configs." + name)));
            properties.getInstances().forEach((name, settings) -> definitions.configureInstance(name,
                    baseOf(settings), overrides(settings, prefix + ".instances." + name)));
            return registry.prepareReconfiguration(definitions)::apply;
        } catch (InvalidConfigException invalid) {
            throw toPropertyError(invalid);
        } catch (IllegalStateException cannotChange) {
            if (cannotChange instanceof InvalidResilienceConfigException named) {
                throw named;
            }
            throw new InvalidResilienceConfigException(prefix, "cannot change in place: "
                    + cannotChange.getMessage());
        }
    }

    /** Unset or blank: {@code default} (for {@code default} itself, the built-in defaults). */
    private static String baseOf(PolicySettings settings) {
        String base = settings.getBaseConfig();
        return base == null || base.isBlank() ? null : base;
    }

    private UnaryOperator<C> overrides(S settings, String path) {
        return base -> {
            B builder = builderFrom.apply(base);
            applier.apply(settings, builder, path);
            return build.apply(builder);
        };
    }

    /** The level's path, then the setting as a yml key, then what is wrong written as in yml. */
    private InvalidResilienceConfigException toPropertyError(InvalidConfigException invalid) {
        return propertyError(invalid.level().map(this::path).orElse(prefix), invalid);
    }

    /**
     * {@code invalid}, raised by a core builder for the settings under {@code path}, as the yml property it
     * names: {@code path.<setting-as-yml-key> <problem as in yml>}.
     */
    static InvalidResilienceConfigException propertyError(String path, InvalidConfigException invalid) {
        return new InvalidResilienceConfigException(path + "." + YML.setting(invalid.setting()),
                invalid.problem(YML));
    }

    private String path(PolicyRegistry.Level level) {
        String map = level.kind() == PolicyRegistry.Level.Kind.INSTANCE ? ".instances." : ".configs.";
        return prefix + map + level.name();
    }

    private static String kebab(String camel) {
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

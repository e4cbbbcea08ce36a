package dev.resilience.spring.autoconfigure;

import java.lang.reflect.Constructor;
import java.util.function.Predicate;

import org.springframework.util.ClassUtils;

import dev.resilience.core.hedge.HedgeConfig;
import dev.resilience.core.hedge.HedgeDelay;
import dev.resilience.core.hedge.HedgeRegistry;

/** Applies bound {@code resilience.hedge.*} settings onto hedge configs and hands each level to the registry. */
final class HedgeConfigs {

    private HedgeConfigs() {
    }

    static void configure(HedgeRegistry registry, HedgeProperties properties, ClassLoader loader) {
        registrar(properties, loader).configure(registry);
    }

    /** The same levels as a new set for the running registry (live reconfiguration): checked, then applied. */
    static Runnable prepare(HedgeRegistry registry, HedgeProperties properties, ClassLoader loader) {
        return registrar(properties, loader).prepare(registry);
    }

    private static ConfigRegistrar<HedgeProperties.Settings, HedgeConfig, HedgeConfig.Builder> registrar(
            HedgeProperties properties, ClassLoader loader) {
        return new ConfigRegistrar<>("resilience.hedge", properties, HedgeConfig::from,
                (s, b, path) -> apply(s, b, path, loader), HedgeConfig.Builder::build);
    }

    private static void apply(HedgeProperties.Settings s, HedgeConfig.Builder b, String path, ClassLoader loader) {
        if (s.getMaxHedges() != null) {
            b.maxHedges(s.getMaxHedges());
        }
        if (s.getDelay() != null) {
            b.delay(HedgeDelay.parse("delay", s.getDelay()));
        }
        if (s.getDelayFallback() != null) {
            b.delayFallback(s.getDelayFallback());
        }
        if (s.getCancelOnResult() != null) {
            b.cancelOnResult(predicate(s.getCancelOnResult(), path + ".cancel-on-result", loader));
        }
    }

    @SuppressWarnings("unchecked")
    private static Predicate<Object> predicate(String className, String property, ClassLoader loader) {
        Class<?> type;
        try {
            type = ClassUtils.forName(className.trim(), loader);
        } catch (ClassNotFoundException | LinkageError | IllegalArgumentException unknown) {
            throw new InvalidResilienceConfigException(property,
                    "must name a class implementing java.util.function.Predicate, but '" + className
                            + "' was not found");
        }
        if (!Predicate.class.isAssignableFrom(type)) {
            throw new InvalidResilienceConfigException(property,
                    "must name a class implementing java.util.function.Predicate, but " + type.getName()
                            + " does not implement it");
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return (Predicate<Object>) constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException unusable) {
            throw new InvalidResilienceConfigException(property, "must name a class with a public no-argument "
                    + "constructor, but " + type.getName() + " could not be created (" + unusable + ")");
        }
    }
}

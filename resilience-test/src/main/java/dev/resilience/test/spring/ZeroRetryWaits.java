package dev.resilience.test.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code @ResilienceTest(zeroRetryWaits = true)}: a property source ahead of all others setting
 * {@code wait-duration} and {@code max-wait-duration} to {@code 0ms} for the {@code default} retry config and
 * for every retry config and instance the environment names. Added before any bean is made, so the starter's
 * properties bind with it.
 */
final class ZeroRetryWaits implements BeanFactoryPostProcessor, PriorityOrdered {

    static final String PROPERTY_SOURCE = "resilienceTestZeroRetryWaits";

    private static final ConfigurationPropertyName CONFIGS = ConfigurationPropertyName.of("resilience.retry.configs");
    private static final ConfigurationPropertyName INSTANCES =
            ConfigurationPropertyName.of("resilience.retry.instances");

    private final ConfigurableEnvironment environment;

    ZeroRetryWaits(ConfigurableEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        environment.getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, overrides(environment)));
    }

    /** The overrides for what {@code environment} names now. */
    static Map<String, Object> overrides(ConfigurableEnvironment environment) {
        Set<String> levels = new TreeSet<>(Set.of("resilience.retry.configs.default"));
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream().forEach(name -> {
                    collect(name, CONFIGS, levels);
                    collect(name, INSTANCES, levels);
                });
            }
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (String level : levels) {
            overrides.put(level + ".wait-duration", "0ms");
            overrides.put(level + ".max-wait-duration", "0ms");
        }
        return overrides;
    }

    /**
     * The level {@code name} belongs to, written as the application wrote it: {@code [InventoryClient.fetch]} stays
     * in brackets, {@code inventoryAsync} stays as it is, so that both name the same map entry when bound (an
     * element in brackets is case-sensitive, one without is not).
     */
    private static void collect(ConfigurationPropertyName name, ConfigurationPropertyName prefix, Set<String> levels) {
        if (prefix.isAncestorOf(name)) {
            ConfigurationPropertyName level = name.chop(prefix.getNumberOfElements() + 1);
            String key = level.getLastElement(Form.ORIGINAL);
            levels.add(prefix + (level.isLastElementIndexed() ? "[" + key + "]" : "." + key));
        }
    }
}

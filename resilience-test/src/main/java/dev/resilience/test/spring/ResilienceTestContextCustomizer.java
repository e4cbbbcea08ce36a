package dev.resilience.test.spring;

import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

import dev.resilience.test.ManualClock;

/**
 * Adds the {@link ManualClock} (primary) and the {@link ResilienceTestSupport} beans, and with
 * {@code zeroRetryWaits} the property overrides of {@link ZeroRetryWaits}. Two contexts with the same settings
 * are one context in Spring's cache.
 */
final class ResilienceTestContextCustomizer implements ContextCustomizer {

    /** The clock's bean name; not {@code resilienceClock}, the starter's, which is then not made. */
    static final String CLOCK_BEAN = "resilienceTestClock";
    static final String SUPPORT_BEAN = "resilienceTestSupport";

    private final boolean zeroRetryWaits;

    ResilienceTestContextCustomizer(boolean zeroRetryWaits) {
        this.zeroRetryWaits = zeroRetryWaits;
    }

    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
        if (!(context.getBeanFactory() instanceof BeanDefinitionRegistry registry)) {
            throw new IllegalStateException("@ResilienceTest needs an application context whose bean factory takes"
                    + " bean definitions; got " + context.getBeanFactory().getClass().getName());
        }
        RootBeanDefinition clock = new RootBeanDefinition(ManualClock.class);
        clock.setPrimary(true);
        registry.registerBeanDefinition(CLOCK_BEAN, clock);
        RootBeanDefinition support = new RootBeanDefinition(ResilienceTestSupport.class);
        support.setAutowireMode(AutowireCapableBeanFactory.AUTOWIRE_CONSTRUCTOR);
        registry.registerBeanDefinition(SUPPORT_BEAN, support);
        if (zeroRetryWaits) {
            // In refresh, after every other customizer and initializer: the properties they add are seen too.
            context.addBeanFactoryPostProcessor(new ZeroRetryWaits(context.getEnvironment()));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResilienceTestContextCustomizer customizer
                && customizer.zeroRetryWaits == zeroRetryWaits;
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(zeroRetryWaits) + ResilienceTestContextCustomizer.class.hashCode();
    }
}

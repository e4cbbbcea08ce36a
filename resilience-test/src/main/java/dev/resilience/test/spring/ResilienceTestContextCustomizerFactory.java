package dev.resilience.test.spring;

import java.util.List;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives a {@link ResilienceTest @ResilienceTest} class its application context additions; registered in
 * {@code META-INF/spring.factories}, silent for other tests (their contexts stay as they are, and cached as
 * before).
 */
public class ResilienceTestContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        ResilienceTest settings = TestContextAnnotationUtils.findMergedAnnotation(testClass, ResilienceTest.class);
        return settings == null ? null : new ResilienceTestContextCustomizer(settings.zeroRetryWaits());
    }
}

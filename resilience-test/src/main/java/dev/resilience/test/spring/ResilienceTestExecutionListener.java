package dev.resilience.test.spring;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Before each test method of a {@link ResilienceTest @ResilienceTest} class (and before its {@code @BeforeEach}
 * methods): resets every policy, seeds fault injection when asked, empties the event recorder. Registered in
 * {@code META-INF/spring.factories}; does nothing for other tests.
 */
public class ResilienceTestExecutionListener extends AbstractTestExecutionListener {

    /**
     * After Spring's listeners that may replace the context ({@code @DirtiesContext}, order 3000 and below),
     * before those that run the test's own code or data ({@code @Transactional} at 4000, {@code @Sql} at 5000).
     */
    @Override
    public int getOrder() {
        return 3500;
    }

    @Override
    public void beforeTestMethod(TestContext testContext) {
        ResilienceTest settings = TestContextAnnotationUtils.findMergedAnnotation(testContext.getTestClass(),
                ResilienceTest.class);
        if (settings == null) {
            return;
        }
        testContext.getApplicationContext().getBean(ResilienceTestSupport.class)
                .beforeTestMethod(settings.chaosSeed());
    }
}

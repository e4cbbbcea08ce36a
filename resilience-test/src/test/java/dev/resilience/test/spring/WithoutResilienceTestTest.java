package dev.resilience.test.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;

/** Without {@code @ResilienceTest} the kit on the class path changes nothing. */
@SpringBootTest(classes = HandMadeApplication.class)
class WithoutResilienceTestTest {

    @Autowired
    ApplicationContext context;

    @Test
    void theApplicationKeepsItsOwnClockAndGetsNoSupportBean() {
        assertThat(context.getBean(Clock.class)).isSameAs(Clock.system());
        assertThat(context.getBeanNamesForType(ManualClock.class)).isEmpty();
        assertThat(context.getBeanNamesForType(ResilienceTestSupport.class)).isEmpty();
    }
}

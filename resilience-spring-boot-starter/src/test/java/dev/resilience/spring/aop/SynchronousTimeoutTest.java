package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Timeout;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * A synchronous {@code @Timeout} on the real clock: the subject is the real timer interrupting the caller's
 * thread, so bounds are real time, generous and finite.
 */
@SpringBootTest(classes = SynchronousTimeoutTest.Config.class,
        properties = "resilience.timeout.instances.slow.duration=300ms")
class SynchronousTimeoutTest {

    private static final Duration GENEROUS_BOUND = Duration.ofSeconds(2);

    @Autowired
    Sleeper sleeper;

    @Autowired
    TimeoutRegistry timeouts;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void sleepingMethodReturnsTimeoutExceededAfterItsDurationAndLeavesTheCallerUninterrupted() {
        long start = System.nanoTime();
        TimeoutExceededException timeout = catchThrowableOfType(TimeoutExceededException.class,
                () -> sleeper.sleep(Duration.ofSeconds(5)));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(timeout.timeoutName()).isEqualTo("slow");
        assertThat(timeout.duration()).isEqualTo(Duration.ofMillis(300));
        assertThat(timeout).hasCauseInstanceOf(InterruptedException.class);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(GENEROUS_BOUND);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(timeouts.instance("slow").timedOutCalls()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void callerCanBlockAgainAfterATimeout() throws InterruptedException {
        catchThrowableOfType(TimeoutExceededException.class, () -> sleeper.sleep(Duration.ofSeconds(5)));
        // A leftover interrupt would make this throw at once.
        Thread.sleep(20);
        assertThat(sleeper.sleep(Duration.ofMillis(1))).isEqualTo("slept");
    }

    @Test
    void methodThatIgnoresTheInterruptStillEndsInTimeoutExceededWhenItReturnsLate() {
        TimeoutExceededException timeout = catchThrowableOfType(TimeoutExceededException.class,
                () -> sleeper.spin(Duration.ofMillis(600)));
        assertThat(timeout.timeoutName()).isEqualTo("slow");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void methodThatFinishesInTimeReturnsItsResult() throws InterruptedException {
        assertThat(sleeper.sleep(Duration.ofMillis(1))).isEqualTo("slept");
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ResilienceAutoConfiguration.class)
    static class Config {
        @Bean
        Sleeper sleeper() {
            return new Sleeper();
        }
    }

    static class Sleeper {

        @Timeout(name = "slow")
        public String sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
            return "slept";
        }

        /** Busy-waits, ignoring interrupts. */
        @Timeout(name = "slow")
        public String spin(Duration duration) {
            long end = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            return "spun";
        }
    }
}

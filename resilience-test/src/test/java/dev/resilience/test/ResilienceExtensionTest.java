package dev.resilience.test;

import static dev.resilience.test.ResilienceAssertions.assertThat;
import static dev.resilience.test.ResilienceAssertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * The plain JUnit 5 extension: fresh clocks, executors and recorders as parameters, and shared policies reset
 * before each test. The order is fixed: the second test would fail if the first one's open breaker were kept.
 */
@ExtendWith(ResilienceExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceExtensionTest {

    private static final ManualClock SHARED_CLOCK = new ManualClock();
    /** Shared by every test of the class, as an application's registry would be. */
    private static final CircuitBreakerRegistry BREAKERS = new CircuitBreakerRegistry(SHARED_CLOCK);
    private static final CircuitBreaker SHARED = CircuitBreaker.of("shared", CircuitBreakerConfig.ofDefaults(),
            SHARED_CLOCK);

    private ManualClock clockSeenBeforeEach;

    @BeforeEach
    void setUp(ManualClock clock) {
        clockSeenBeforeEach = clock;
    }

    @Test
    @Order(1)
    void firstTestOpensTheSharedBreakers() throws Throwable {
        CircuitBreaker breaker = BREAKERS.instance("serviceB");
        ResiliencePipeline pipeline = ResiliencePipeline.builder().circuitBreaker(breaker).clock(SHARED_CLOCK).build();
        for (int i = 0; i < 100; i++) {
            try {
                pipeline.execute(() -> { throw new IOException("down"); });
            } catch (Throwable expected) {
                // counted by the breaker
            }
        }
        SHARED.transitionTo(CircuitBreaker.State.FORCED_OPEN);

        assertThat(breaker).isOpen().hasBufferedCalls(20).hasNotPermittedCalls(80);
        assertThat(SHARED).isForcedOpen();
    }

    @Test
    @Order(2)
    void secondTestFindsThemFresh() {
        assertThat(BREAKERS.instance("serviceB")).isClosed().hasBufferedCalls(0).hasNoRatesYet()
                .hasNotPermittedCalls(0);
        assertThat(BREAKERS.instance("serviceB").transitions()).isEmpty();
        assertThat(SHARED).isClosed();
    }

    @Test
    @Order(3)
    void parametersAreNewForEachTestAndSharedWithinIt(ManualClock clock, QueuedExecutor executor,
            EventRecorder events) {
        assertThat(clock).isSameAs(clockSeenBeforeEach);
        assertThat(clock.nanoTime()).isZero();
        assertThat(executor.pending()).isZero();

        CircuitBreaker breaker = CircuitBreaker.of("local", CircuitBreakerConfig.builder()
                .waitDurationInOpenState(Duration.ofSeconds(1)).build(), clock);
        events.record(breaker);
        breaker.transitionTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(1));

        assertThat(events).hasTransitions(CircuitBreaker.State.CLOSED, CircuitBreaker.State.OPEN,
                CircuitBreaker.State.HALF_OPEN);
        executor.execute(() -> clock.advance(Duration.ofSeconds(1)));
        assertThat(executor.runAll()).isEqualTo(1);
        assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    @Order(4)
    void theRecorderOfTheLastTestHasStoppedListening(EventRecorder events) {
        assertThat(events).isEmpty();
        events.record(SHARED);
        SHARED.transitionTo(CircuitBreaker.State.OPEN);
        assertThat(events).containsEvent(EventType.STATE_TRANSITION);
        assertThatThrownBy(() -> assertThat(events).isEmpty()).isInstanceOf(AssertionError.class);
    }
}

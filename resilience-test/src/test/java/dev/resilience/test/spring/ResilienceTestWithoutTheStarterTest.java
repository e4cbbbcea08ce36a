package dev.resilience.test.spring;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.FORCED_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static dev.resilience.test.ResilienceAssertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.resilience.core.event.EventType;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;
import dev.resilience.test.spring.HandMadeApplication.Inventory;

/**
 * A user's test of a hand-wired application: the breaker opens, half-opens and closes as the test moves the
 * clock, and each test finds the policies fresh. The order is fixed: without the reset, the second test would
 * find the first one's open breaker, its counters and its events.
 */
@SpringBootTest(classes = HandMadeApplication.class)
@ResilienceTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResilienceTestWithoutTheStarterTest {

    @Autowired
    Inventory inventory;

    @Autowired
    ResilienceTestSupport resilience;

    @Autowired
    ManualClock clock;

    @Autowired
    Clock applicationClock;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    @Order(1)
    void opensHalfOpensAndClosesByTheClockAlone() throws Throwable {
        assertThat(applicationClock).isSameAs(clock).isSameAs(resilience.clock());
        assertThat(resilience.circuitBreaker("inventory").clock()).isSameAs(clock);

        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(inventory.fetch()).isEqualTo("fresh");
        inventory.down.set(true);
        assertThat(inventory.fetch()).isEqualTo("cached"); // two attempts: the window is full, half failed
        assertThat(resilience.circuitBreaker("inventory")).isOpen().hasFailureRate(50.0).hasBufferedCalls(4)
                .hasRemainingOpenTime(Duration.ofSeconds(10));
        assertThat(clock.slept()).as("the retry's wait, on the manual clock").isEqualTo(Duration.ofMillis(300));

        inventory.down.set(false);
        assertThat(inventory.fetch()).as("rejected while open").isEqualTo("cached");
        assertThat(resilience.circuitBreaker("inventory")).hasNotPermittedCalls(1);

        resilience.advance(Duration.ofSeconds(10));
        assertThat(resilience.circuitBreaker("inventory")).isHalfOpen();
        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(resilience.circuitBreaker("inventory")).isClosed();

        // A fallback built by hand is in no registry: its events are not recorded (the starter's are).
        assertThat(resilience.events()).ofInstance("inventory").hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED)
                .containsEvent(EventType.RETRY_SCHEDULED).hasNoEventOf(EventType.FALLBACK_USED);

        resilience.forceState("other", FORCED_OPEN);
        assertThat(breakers.instance("other")).isForcedOpen();
        assertThat(resilience.retry("inventory")).hasFailedCallsWithRetry(1);
    }

    @Test
    @Order(2)
    void theNextTestFindsEveryPolicyFresh() throws Throwable {
        assertThat(resilience.events()).isEmpty();
        assertThat(resilience.circuitBreaker("inventory")).isClosed().hasBufferedCalls(0).hasNotPermittedCalls(0);
        assertThat(resilience.circuitBreaker("inventory").transitions()).isEmpty();
        assertThat(breakers.instance("other")).isClosed();
        assertThat(resilience.retry("inventory")).hasFailedCallsWithRetry(0).hasSuccessfulCallsWithoutRetry(0);

        // The first test's calls do not count: four fresh ones decide.
        inventory.down.set(true);
        assertThat(inventory.fetch()).isEqualTo("cached");
        assertThat(resilience.circuitBreaker("inventory")).isClosed().hasBufferedCalls(2).hasNoRatesYet();
        inventory.down.set(false);
    }

    @Test
    @Order(3)
    void forcedStatesLastUntilChangedOrTheNextTest() throws Throwable {
        resilience.forceState("inventory", OPEN);
        assertThat(inventory.fetch()).isEqualTo("cached");
        assertThat(resilience.circuitBreaker("inventory")).isOpen().hasNotPermittedCalls(1);

        resilience.reset();
        assertThat(resilience.circuitBreaker("inventory")).isClosed().hasNotPermittedCalls(0);
        assertThat(inventory.fetch()).isEqualTo("fresh");
    }
}

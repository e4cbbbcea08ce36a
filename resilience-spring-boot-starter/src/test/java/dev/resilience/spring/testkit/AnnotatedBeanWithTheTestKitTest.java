package dev.resilience.spring.testkit;

import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.CLOSED;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.FORCED_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.HALF_OPEN;
import static dev.resilience.core.circuitbreaker.CircuitBreaker.State.OPEN;
import static dev.resilience.test.ResilienceAssertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;
import dev.resilience.test.spring.ResilienceTest;
import dev.resilience.test.spring.ResilienceTestSupport;

/**
 * The test kit as a user of the starter meets it (it lives here, where the annotations are: the kit does not
 * depend on the starter). An annotated bean's breaker opens, half-opens and closes purely by advancing the
 * clock; retries wait nothing; the next test finds every policy fresh. The order is fixed: without the kit's
 * reset, the second test would find the breaker FORCED_OPEN, its window full and the events of the first.
 */
@SpringBootTest(properties = {
        "resilience.circuitbreaker.instances.inventory.sliding-window-size=4",
        "resilience.circuitbreaker.instances.inventory.minimum-number-of-calls=4",
        "resilience.circuitbreaker.instances.inventory.failure-rate-threshold=50",
        "resilience.circuitbreaker.instances.inventory.wait-duration-in-open-state=10s",
        "resilience.circuitbreaker.instances.inventory.permitted-calls-in-half-open-state=2",
        "resilience.retry.instances.inventory.max-attempts=2",
        "resilience.retry.instances.inventory.wait-duration=500ms",
        "resilience.retry.instances.inventoryAsync.max-attempts=3",
        "resilience.retry.instances.inventoryAsync.wait-duration=2s" })
@ResilienceTest(zeroRetryWaits = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnnotatedBeanWithTheTestKitTest {

    @Autowired
    InventoryClient inventory;

    @Autowired
    ResilienceTestSupport resilience;

    @Autowired
    ManualClock clock;

    @Autowired
    Clock applicationClock;

    @Test
    @Order(1)
    void breakerOpensHalfOpensAndClosesPurelyByAdvancingTheClock() throws Exception {
        assertThat(applicationClock).as("the starter's registries read the kit's clock").isSameAs(clock);
        Duration sleptBefore = clock.slept();
        long timeBefore = clock.nanoTime();

        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(inventory.fetch()).isEqualTo("fresh");
        inventory.down(true);
        assertThat(inventory.fetch()).isEqualTo("cached after IOException");
        assertThat(inventory.attempts()).isEqualTo(4);
        assertThat(resilience.circuitBreaker("inventory")).isOpen().hasFailureRate(50.0).hasBufferedCalls(4)
                .hasFailedCalls(2).hasRemainingOpenTime(Duration.ofSeconds(10));
        assertThat(resilience.retry("inventory")).hasFailedCallsWithRetry(1).hasSuccessfulCallsWithoutRetry(2);
        assertThat(clock.slept()).as("zero retry waits: the retry did not even move the clock")
                .isEqualTo(sleptBefore);

        inventory.down(false);
        assertThat(inventory.fetch()).isEqualTo("cached after CircuitBreakerOpenException");
        assertThat(inventory.attempts()).as("rejected: the method was not called").isEqualTo(4);
        assertThat(resilience.circuitBreaker("inventory")).hasNotPermittedCalls(1);

        resilience.advance(Duration.ofSeconds(10));
        assertThat(resilience.circuitBreaker("inventory")).isHalfOpen();
        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(inventory.fetch()).isEqualTo("fresh");
        assertThat(resilience.circuitBreaker("inventory")).isClosed();
        assertThat(clock.nanoTime() - timeBefore).as("no time passed but the test's 10s")
                .isEqualTo(Duration.ofSeconds(10).toNanos());

        assertThat(resilience.events()).ofInstance("inventory").hasTransitions(CLOSED, OPEN, HALF_OPEN, CLOSED)
                .containsEventsInOrder(EventType.ERROR, EventType.RETRY_SCHEDULED, EventType.ERROR,
                        EventType.STATE_TRANSITION, EventType.RETRY_EXHAUSTED);
        assertThat(resilience.events()).as("@Fallback methods' events are recorded too")
                .hasEventCount(EventType.FALLBACK_USED, 2);

        // Left for the next test to find undone.
        resilience.forceState("inventory", FORCED_OPEN);
        assertThat(inventory.fetch()).isEqualTo("cached after CircuitBreakerOpenException");
    }

    @Test
    @Order(2)
    void theNextTestFindsRegistriesClean() throws Exception {
        assertThat(resilience.events()).isEmpty();
        assertThat(resilience.circuitBreaker("inventory")).isClosed().hasBufferedCalls(0).hasNotPermittedCalls(0);
        assertThat(resilience.circuitBreaker("inventory").transitions()).isEmpty();
        assertThat(resilience.retry("inventory")).hasFailedCallsWithRetry(0).hasSuccessfulCallsWithoutRetry(0);

        assertThat(inventory.fetch()).isEqualTo("fresh");
        inventory.down(true);
        try {
            // Two more failed attempts: with the first test's window they would open the breaker again.
            assertThat(inventory.fetch()).isEqualTo("cached after IOException");
        } finally {
            inventory.down(false);
        }
        assertThat(resilience.circuitBreaker("inventory")).isClosed().hasBufferedCalls(3).hasNoRatesYet();
    }

    @Test
    @Order(3)
    void asynchronousRetriesFollowAtOnceWithZeroWaits() throws Exception {
        inventory.down(true);
        int attemptsBefore = inventory.attempts();
        try {
            CompletableFuture<String> result = inventory.fetchAsync();
            // Configured to wait 2s twice; with zero waits nothing waits on the clock for them.
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("cached async after IOException");
        } finally {
            inventory.down(false);
        }
        assertThat(inventory.attempts() - attemptsBefore).isEqualTo(3);
        assertThat(resilience.retry("inventoryAsync").config().waitDuration()).isZero();
        assertThat(resilience.events()).ofInstance("inventoryAsync").hasEventCount(EventType.RETRY_SCHEDULED, 2)
                .containsEvent(EventType.RETRY_EXHAUSTED);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        InventoryClient inventoryClient() {
            return new InventoryClient();
        }
    }

    /** Proxied (a class proxy): the test talks to it through methods, never fields. */
    static class InventoryClient {

        private final AtomicBoolean down = new AtomicBoolean();
        private final AtomicInteger attempts = new AtomicInteger();

        public void down(boolean isDown) {
            down.set(isDown);
        }

        public int attempts() {
            return attempts.get();
        }

        @Retry(name = "inventory")
        @CircuitBreaker(name = "inventory")
        @Fallback(method = "cached")
        public String fetch() throws IOException {
            attempts.incrementAndGet();
            if (down.get()) {
                throw new IOException("inventory down");
            }
            return "fresh";
        }

        private String cached(Throwable failure) {
            return "cached after " + failure.getClass().getSimpleName();
        }

        @Retry(name = "inventoryAsync")
        @Fallback(method = "cachedAsync")
        public CompletableFuture<String> fetchAsync() {
            attempts.incrementAndGet();
            return down.get() ? CompletableFuture.failedFuture(new IOException("inventory down"))
                    : CompletableFuture.completedFuture("fresh");
        }

        private CompletableFuture<String> cachedAsync(Throwable failure) {
            return CompletableFuture.completedFuture("cached async after " + failure.getClass().getSimpleName());
        }
    }
}

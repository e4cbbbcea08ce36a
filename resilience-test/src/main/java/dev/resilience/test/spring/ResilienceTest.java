package dev.resilience.test.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Tests an application's resilience without waiting. Put it next to {@code @SpringBootTest} (or any Spring test
 * annotation):
 *
 * <pre>{@code
 * @SpringBootTest
 * @ResilienceTest
 * class InventoryResilienceTest {
 *     @Autowired ResilienceTestSupport resilience;
 *     @Autowired InventoryClient inventory;
 *
 *     @Test
 *     void fallsBackWhileTheBreakerIsOpen() {
 *         resilience.forceState("inventory", OPEN);
 *         assertThat(inventory.fetch()).isEqualTo(Inventory.EMPTY);
 *         resilience.advance(Duration.ofSeconds(10));
 *         assertThat(resilience.circuitBreaker("inventory")).isHalfOpen();
 *     }
 * }
 * }</pre>
 *
 * <ul>
 * <li><b>Time</b>: the application's {@code dev.resilience.core.spi.Clock} is a
 * {@link dev.resilience.test.ManualClock} bean (primary, so the starter's system clock is not made), and it
 * only moves when the test says so ({@code clock.advance(...)}). Every policy reads it: open durations,
 * time-based windows, timeouts, bulkhead and rate-limiter waits, asynchronous and reactive retry waits fire
 * when the clock reaches them. A synchronous retry wait advances the clock by the wait and returns at once. The
 * clock keeps its time from test to test (it never goes back): reason in durations, not instants.</li>
 * <li><b>Fresh policies</b>: before each test method, every instance of every registry bean (and every policy
 * bean) is reset to its initial state, as {@link dev.resilience.test.ResilienceTesting} describes per policy:
 * breakers CLOSED with empty windows, counters at zero, rate-limit buckets full, chaos back to its configured
 * settings. Instances are kept, not rebuilt. Calls left inside a bulkhead stay there.</li>
 * <li><b>Events</b>: {@link ResilienceTestSupport#events()} records every event of every instance (and of
 * every {@code @Fallback} method), emptied before each test.</li>
 * </ul>
 *
 * <p>The clock and {@link ResilienceTestSupport} can be injected. Do not declare a clock bean of your own: two
 * would compete (the kit's is primary). Tests with the same {@code zeroRetryWaits} share one application context,
 * as usual in Spring tests; {@code chaosSeed} does not split contexts.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface ResilienceTest {

    /** The value of {@link #chaosSeed()} that leaves fault injection unseeded. */
    long UNSEEDED = Long.MIN_VALUE;

    /**
     * Sets every retry wait to zero: {@code wait-duration} and {@code max-wait-duration} are {@code 0ms} for
     * the {@code default} config and for every config and instance named under {@code resilience.retry.configs}
     * and {@code resilience.retry.instances}, whatever the application's properties say. Backoff, jitter and
     * servers' Retry-After hints (capped by {@code max-wait-duration}) then all give zero: a retry follows its
     * failed attempt at once, asynchronous and reactive ones included, and the clock does not move for it.
     * Without it, synchronous waits are instant too but advance the clock (which may, for instance, end a
     * breaker's open wait), while asynchronous and reactive waits need {@code clock.advance(...)}.
     */
    boolean zeroRetryWaits() default false;

    /**
     * Before each test, each fault injection instance ({@code Chaos} of the {@code ChaosRegistry} bean, if
     * any, and {@code Chaos} beans) draws from its own {@code ChaosRandom.seeded(chaosSeed)}: the same calls are
     * hit on every run. {@link #UNSEEDED} (the default) leaves the application's random source.
     */
    long chaosSeed() default UNSEEDED;
}

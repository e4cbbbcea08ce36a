package dev.resilience.spring.reconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.PolicyKind;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.hedge.HedgeDelay;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceReconfigurationAutoConfiguration;
import dev.resilience.spring.autoconfigure.RetryBudgets;

/**
 * {@link ResilienceReconfiguration}: changed {@code resilience.*} properties applied in place, all or nothing, the
 * way an application without Spring Cloud uses it (a property source changed, then {@code reconfigure()}), and
 * through Spring Cloud's {@link EnvironmentChangeEvent}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResilienceReconfigurationTest {

    private static final String BREAKER = "resilience.circuitbreaker.instances.inventory.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class,
                    ResilienceReconfigurationAutoConfiguration.class))
            .withPropertyValues(BREAKER + "sliding-window-size=10", BREAKER + "minimum-number-of-calls=10",
                    BREAKER + "failure-rate-threshold=50", "resilience.retry.instances.orders.max-attempts=3",
                    "resilience.retry.instances.orders.wait-duration=0ms",
                    "resilience.retry.budgets.shared.max-retry-ratio=0.2");

    /** The property source a test changes: the first one, so it overrides the rest. */
    private static Map<String, Object> changes(AssertableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        if (!environment.getPropertySources().contains("changes")) {
            environment.getPropertySources().addFirst(new MapPropertySource("changes", new HashMap<>()));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) environment.getPropertySources().get("changes")
                .getSource();
        return source;
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onError(0, new IOException("down"));
        }
    }

    private static void succeed(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onSuccess(0);
        }
    }

    @Test
    void changedThresholdAppliesInPlaceAndTheWindowIsKept() {
        runner.run(context -> {
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            fail(breaker, 3);
            succeed(breaker, 5);

            changes(context).put(BREAKER + "failure-rate-threshold", "30");
            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.APPLIED);
            assertThat(change.changed()).containsExactly(BREAKER + "failure-rate-threshold");
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("inventory")).isSameAs(breaker);
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(30);
            assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(8);
            succeed(breaker, 2); // 3 of 10: 30 %
            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(context.getBean(ResilienceReconfiguration.class)
                    .lastChange(PolicyKind.CIRCUIT_BREAKER, "inventory")).contains(change);
        });
    }

    @Test
    void instancesWhoseSettingsStayTheSameAreLeftAlone() {
        runner.run(context -> {
            CircuitBreaker inventory = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            Retry orders = context.getBean(RetryRegistry.class).instance("orders");
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            orders.events().onEvent(events::add);
            var ordersConfig = orders.config();

            changes(context).put(BREAKER + "failure-rate-threshold", "30");
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);
            reconfiguration.reconfigure();

            assertThat(inventory.config().failureRateThreshold()).isEqualTo(30);
            assertThat(orders.config()).isSameAs(ordersConfig);
            assertThat(events).isEmpty();
            assertThat(reconfiguration.lastChange(PolicyKind.RETRY, "orders")).isEmpty();
            assertThat(reconfiguration.lastChange(PolicyKind.CIRCUIT_BREAKER, "inventory")).isPresent();
        });
    }

    @Test
    void openBreakerStaysOpenWhenItsWindowChanges() {
        runner.run(context -> {
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            fail(breaker, 10);

            changes(context).put(BREAKER + "sliding-window-size", "20");
            changes(context).put(BREAKER + "wait-duration-in-open-state", "5m");
            context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(breaker.config().slidingWindowSize()).isEqualTo(20);
            assertThat(breaker.snapshot().remainingOpenTime()).isGreaterThan(Duration.ofMinutes(4));
        });
    }

    @Test
    void sharedDefaultReachesEveryInstanceInheritingIt() {
        runner.run(context -> {
            Retry orders = context.getBean(RetryRegistry.class).instance("orders");
            Retry payments = context.getBean(RetryRegistry.class).instance("payments");

            changes(context).put("resilience.retry.configs.default.max-attempts", "6");
            context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(payments.config().maxAttempts()).isEqualTo(6);
            assertThat(orders.config().maxAttempts()).isEqualTo(3); // its own setting wins
        });
    }

    @Test
    void instanceNewlyNamedTakesItsSettingsAndOneRemovedFallsBackToDefault() {
        runner.withPropertyValues("resilience.ratelimiter.configs.default.limit-for-period=40",
                "resilience.ratelimiter.instances.search.limit-for-period=5").run(context -> {
                    RateLimiter search = context.getBean(RateLimiterRegistry.class).instance("search");
                    RateLimiter reports = context.getBean(RateLimiterRegistry.class).instance("reports");
                    assertThat(search.config().limitForPeriod()).isEqualTo(5);

                    // The entry of 'search' is removed: a property set to nothing would still bind; remove it
                    // from its source as a config map update would.
                    context.getEnvironment().getPropertySources().remove("test");
                    changes(context).put("resilience.ratelimiter.configs.default.limit-for-period", "40");
                    changes(context).put("resilience.ratelimiter.instances.reports.limit-for-period", "7");
                    changes(context).put(BREAKER + "sliding-window-size", "10");
                    changes(context).put(BREAKER + "minimum-number-of-calls", "10");
                    changes(context).put(BREAKER + "failure-rate-threshold", "50");
                    changes(context).put("resilience.retry.instances.orders.max-attempts", "3");
                    changes(context).put("resilience.retry.instances.orders.wait-duration", "0ms");
                    changes(context).put("resilience.retry.budgets.shared.max-retry-ratio", "0.2");
                    ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

                    assertThat(change.status()).as(change.message()).isEqualTo(ConfigChange.Status.APPLIED);
                    assertThat(search.config().limitForPeriod()).isEqualTo(40);
                    assertThat(reports.config().limitForPeriod()).isEqualTo(7);
                });
    }

    @Test
    void invalidValueAppliesNothingLogsAnErrorRecordsAnEventAndShowsOnTheInstance(CapturedOutput output) {
        runner.run(context -> {
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            Retry orders = context.getBean(RetryRegistry.class).instance("orders");
            fail(breaker, 2);
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            breaker.events().onEvent(events::add);

            changes(context).put("resilience.retry.instances.orders.max-attempts", "5");
            changes(context).put(BREAKER + "failure-rate-threshold", "150");
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);
            ConfigChange change = reconfiguration.reconfigure();

            String expected = BREAKER + "failure-rate-threshold must be greater than 0 and at most 100 (percent), "
                    + "but was 150";
            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.property()).isEqualTo(BREAKER + "failure-rate-threshold");
            assertThat(change.message()).isEqualTo(expected);
            assertThat(orders.config().maxAttempts()).as("nothing half applied").isEqualTo(3);
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(50);
            assertThat(breaker.snapshot().failedCalls()).isEqualTo(2);
            assertThat(output).contains("ERROR").contains("Resilience settings not changed, every setting keeps its "
                    + "value: " + expected);
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.type()).isEqualTo(EventType.CIRCUIT_BREAKER_CONFIG_CHANGE_REJECTED);
                assertThat(event.detail()).isEqualTo(expected);
            });
            assertThat(reconfiguration.lastChange(PolicyKind.CIRCUIT_BREAKER, "inventory")).contains(change);
            assertThat(reconfiguration.lastChange(PolicyKind.RETRY, "orders")).isEmpty();

            // Fixed, the next change applies everything that changed since the last applied one.
            changes(context).put(BREAKER + "failure-rate-threshold", "40");
            assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
            assertThat(orders.config().maxAttempts()).isEqualTo(5);
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(40);
        });
    }

    @Test
    void valueThatDoesNotBindIsRejectedNamingTheProperty() {
        runner.run(context -> {
            Retry orders = context.getBean(RetryRegistry.class).instance("orders");
            changes(context).put("resilience.retry.instances.orders.max-attempts", "many");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.property()).isEqualTo("resilience.retry.instances.orders.max-attempts");
            assertThat(change.message()).startsWith("resilience.retry.instances.orders.max-attempts cannot be bound: "
                    + "the value 'many' is not valid");
            assertThat(orders.config().maxAttempts()).isEqualTo(3);
        });
    }

    @Test
    void unknownKeyIsRejected() {
        runner.run(context -> {
            changes(context).put(BREAKER + "failure-rate-treshold", "20");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.message()).isEqualTo(BREAKER + "failure-rate-treshold is not a known setting");
        });
    }

    @Test
    void settingReadAtStartUpIsRejectedRatherThanIgnored() {
        runner.run(context -> {
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            changes(context).put(BREAKER + "failure-rate-threshold", "20");
            changes(context).put("resilience.events.buffer-size", "50");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.message()).isEqualTo("resilience.events.buffer-size cannot change while the application "
                    + "runs (it is read at start-up); restart the application to change it");
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(50);
        });
    }

    @Test
    void healthSettingIsRejected() {
        runner.run(context -> {
            changes(context).put("resilience.circuitbreaker.health.fail-when-open", "true");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.property()).isEqualTo("resilience.circuitbreaker.health.fail-when-open");
        });
    }

    @Test
    void httpClientSettingsAreRejected() {
        runner.run(context -> {
            changes(context).put("resilience.http.clients.catalog.hosts[0]", "catalog.example.com");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(change.property()).isEqualTo("resilience.http.clients.catalog.hosts[0]");
        });
    }

    @Test
    void newChaosInstanceIsRejectedWhileFaultInjectionIsOnAndAChangedOneApplies() {
        runner.withPropertyValues("resilience.chaos.enabled=true", "resilience.chaos.instances.backend.fault-rate=0")
                .run(context -> {
                    ChaosRegistry chaos = context.getBean(ChaosRegistry.class);
                    changes(context).put("resilience.chaos.instances.payments.fault-rate", "0.5");
                    ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);

                    ConfigChange rejected = reconfiguration.reconfigure();

                    assertThat(rejected.status()).isEqualTo(ConfigChange.Status.REJECTED);
                    assertThat(rejected.property()).isEqualTo("resilience.chaos.instances.payments");
                    changes(context).remove("resilience.chaos.instances.payments.fault-rate");
                    changes(context).put("resilience.chaos.instances.backend.fault-rate", "0.25");
                    assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
                    assertThat(chaos.instance("backend").config().faultRate()).isEqualTo(0.25);
                });
    }

    @Test
    void retryBudgetChangesInPlaceAndANewOneIsRejected() {
        runner.run(context -> {
            RetryBudgets budgets = context.getBean(RetryBudgets.class);
            var shared = budgets.find("shared").orElseThrow();
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);

            changes(context).put("resilience.retry.budgets.shared.max-retry-ratio", "0.4");
            assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
            assertThat(budgets.find("shared")).containsSame(shared);
            assertThat(shared.config().maxRetryRatio()).isEqualTo(0.4);

            changes(context).put("resilience.retry.budgets.bulk.max-retry-ratio", "0.1");
            ConfigChange rejected = reconfiguration.reconfigure();
            assertThat(rejected.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(rejected.message()).isEqualTo("resilience.retry.budgets.bulk is a new budget, but budgets are "
                    + "made at start-up (known budgets: shared); restart the application to add one");
        });
    }

    @Test
    void timeoutsTakeTheirNewLimit() {
        runner.run(context -> {
            var timeout = context.getBean(TimeoutRegistry.class).instance("slow");
            changes(context).put("resilience.timeout.configs.default.duration", "250ms");

            context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(timeout.config().duration()).isEqualTo(Duration.ofMillis(250));
        });
    }

    @Test
    void bulkheadLimitAppliesToTheNextCallAndCallsInsideAreNeitherDroppedNorCountedTwice() {
        runner.withPropertyValues("resilience.bulkhead.instances.stock.max-concurrent-calls=4").run(context -> {
            Bulkhead stock = context.getBean(BulkheadRegistry.class).instance("stock");
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);
            Deque<Bulkhead.Permit> inside = new ArrayDeque<>();
            for (int i = 0; i < 4; i++) {
                inside.push(stock.tryAcquire("call-" + i));
            }

            changes(context).put("resilience.bulkhead.instances.stock.max-concurrent-calls", "2");
            assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
            assertThat(stock.activeCalls()).as("nobody dropped").isEqualTo(4);
            assertThat(stock.tryAcquire("over")).isNull();
            inside.pop().release();
            inside.pop().release();
            assertThat(stock.tryAcquire("at the new limit")).as("2 inside, limit 2").isNull();
            inside.pop().release();
            Bulkhead.Permit next = stock.tryAcquire("below the new limit");
            assertThat(next).isNotNull();
            inside.push(next);
            assertThat(stock.activeCalls()).isEqualTo(2);

            changes(context).put("resilience.bulkhead.instances.stock.max-concurrent-calls", "5");
            assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
            for (int i = 0; i < 3; i++) {
                Bulkhead.Permit more = stock.tryAcquire("grown-" + i);
                assertThat(more).as("place %d of the 3 the growth freed", i).isNotNull();
                inside.push(more);
            }
            assertThat(stock.tryAcquire("beyond 5")).isNull();
            while (!inside.isEmpty()) {
                inside.pop().release();
            }
            assertThat(stock.activeCalls()).isZero();
            assertThat(stock.availablePermits()).isEqualTo(5);
            assertThat(stock.rejectedCalls()).isEqualTo(3);
            assertThat(reconfiguration.lastChange(PolicyKind.BULKHEAD, "stock")).get()
                    .extracting(ConfigChange::status).isEqualTo(ConfigChange.Status.APPLIED);
        });
    }

    @Test
    void bulkheadUnderConcurrentCallsWhileItsLimitChangesNeverHoldsMoreThanTheLargestLimit() {
        runner.withPropertyValues("resilience.bulkhead.instances.stock.max-concurrent-calls=3").run(context -> {
            Bulkhead stock = context.getBean(BulkheadRegistry.class).instance("stock");
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);
            int threads = 4;
            int callsEach = 20_000;
            AtomicInteger now = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            AtomicInteger admitted = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < callsEach; i++) {
                        Bulkhead.Permit permit = stock.tryAcquire("call");
                        if (permit == null) {
                            refused.incrementAndGet();
                            continue;
                        }
                        most.accumulateAndGet(now.incrementAndGet(), Math::max);
                        now.decrementAndGet();
                        admitted.incrementAndGet();
                        permit.release();
                    }
                    return null;
                }));
            }
            start.countDown();
            int[] limits = { 1, 2, 1, 3, 2 };
            for (int round = 0; round < 50; round++) {
                changes(context).put("resilience.bulkhead.instances.stock.max-concurrent-calls",
                        String.valueOf(limits[round % limits.length]));
                assertThat(reconfiguration.reconfigure().status()).isNotEqualTo(ConfigChange.Status.REJECTED);
            }
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(most.get()).as("never more inside than the largest limit in force").isLessThanOrEqualTo(3);
            assertThat(admitted.get() + refused.get()).isEqualTo(threads * callsEach);
            assertThat(stock.rejectedCalls()).isEqualTo(refused.get());
            assertThat(stock.activeCalls()).as("every place given back, none counted twice").isZero();
            assertThat(stock.availablePermits()).isEqualTo(2);
        });
    }

    @Test
    void hedgesTakeTheirNewDelayAndAnInvalidOneIsRejectedNamingTheProperty() {
        runner.withPropertyValues("resilience.hedge.instances.quotes.delay=100ms").run(context -> {
            Hedge quotes = context.getBean(HedgeRegistry.class).instance("quotes");
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            quotes.events().onEvent(events::add);
            ResilienceReconfiguration reconfiguration = context.getBean(ResilienceReconfiguration.class);

            changes(context).put("resilience.hedge.instances.quotes.delay", "p90");
            changes(context).put("resilience.hedge.instances.quotes.max-hedges", "2");
            assertThat(reconfiguration.reconfigure().status()).isEqualTo(ConfigChange.Status.APPLIED);
            assertThat(quotes.config().delay()).isEqualTo(HedgeDelay.percentile(90));
            assertThat(quotes.config().maxHedges()).isEqualTo(2);
            assertThat(events).singleElement().extracting(ResilienceEvent::type)
                    .isEqualTo(EventType.HEDGE_CONFIG_CHANGED);

            changes(context).put("resilience.hedge.instances.quotes.delay", "p101");
            ConfigChange rejected = reconfiguration.reconfigure();
            assertThat(rejected.status()).isEqualTo(ConfigChange.Status.REJECTED);
            assertThat(rejected.property()).isEqualTo("resilience.hedge.instances.quotes.delay");
            assertThat(quotes.config().delay()).isEqualTo(HedgeDelay.percentile(90));
            assertThat(events).last().extracting(ResilienceEvent::type)
                    .isEqualTo(EventType.HEDGE_CONFIG_CHANGE_REJECTED);
            assertThat(reconfiguration.lastChange(PolicyKind.HEDGE, "quotes")).contains(rejected);
        });
    }

    @Test
    void nothingChangedAppliesNothing() {
        runner.run(context -> {
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
            breaker.events().onEvent(events::add);
            changes(context).put("unrelated.setting", "x");

            ConfigChange change = context.getBean(ResilienceReconfiguration.class).reconfigure();

            assertThat(change.status()).isEqualTo(ConfigChange.Status.UNCHANGED);
            assertThat(events).isEmpty();
        });
    }

    @Test
    void environmentChangeEventWithAResilienceKeyApplies() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ResilienceEnvironmentChangeListener.class);
            CircuitBreaker breaker = context.getBean(CircuitBreakerRegistry.class).instance("inventory");
            changes(context).put(BREAKER + "failure-rate-threshold", "35");

            context.publishEvent(new EnvironmentChangeEvent(context, Set.of("unrelated.setting")));
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(50);
            context.publishEvent(new EnvironmentChangeEvent(context, Set.of(BREAKER + "failure-rate-threshold")));
            assertThat(breaker.config().failureRateThreshold()).isEqualTo(35);
        });
    }

    @Test
    void listenerIsOffWhenDisabledOrWithoutSpringCloud() {
        runner.withPropertyValues("resilience.reconfiguration.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(ResilienceEnvironmentChangeListener.class);
            assertThat(context).hasSingleBean(ResilienceReconfiguration.class);
        });
        runner.withClassLoader(new FilteredClassLoader(EnvironmentChangeEvent.class)).run(context -> {
            assertThat(context).doesNotHaveBean(ResilienceEnvironmentChangeListener.class);
            assertThat(context).hasSingleBean(ResilienceReconfiguration.class);
        });
    }

    @Test
    void environmentVariableFormsCountAsResilienceKeys() {
        assertThat(ResilienceEnvironmentChangeListener.isResilienceKey("RESILIENCE_CIRCUITBREAKER_CONFIGS_DEFAULT_"
                + "FAILURERATETHRESHOLD")).isTrue();
        assertThat(ResilienceEnvironmentChangeListener.isResilienceKey("resilience.retry.configs.default.jitter"))
                .isTrue();
        assertThat(ResilienceEnvironmentChangeListener.isResilienceKey("resilience4j.retry.instances.a.max-attempts"))
                .isFalse();
    }
}

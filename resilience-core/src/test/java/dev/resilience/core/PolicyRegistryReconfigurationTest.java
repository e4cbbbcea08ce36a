package dev.resilience.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.resilience.core.PolicyRegistry.Definitions;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.test.ManualClock;

/** {@link PolicyRegistry#reconfigure}: a whole new set of configs, checked first, applied to the built instances in place. */
class PolicyRegistryReconfigurationTest {

    private final ManualClock clock = new ManualClock();
    private final CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(clock);

    private static CircuitBreakerConfig.Builder window(CircuitBreakerConfig base) {
        return CircuitBreakerConfig.from(base).slidingWindowSize(10).minimumNumberOfCalls(10);
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            breaker.acquirePermit().onError(0, new IOException("down"));
        }
    }

    @Test
    void builtInstancesTakeTheirNewConfigsInPlaceKeepingTheirState() {
        breakers.configureDefault(base -> window(base).failureRateThreshold(50).build());
        CircuitBreaker inventory = breakers.instance("inventory");
        fail(inventory, 4);

        breakers.reconfigure(breakers.newDefinitions()
                .configureDefault(base -> window(base).failureRateThreshold(80).build()));

        assertThat(breakers.instance("inventory")).isSameAs(inventory);
        assertThat(inventory.config().failureRateThreshold()).isEqualTo(80);
        assertThat(inventory.snapshot().failedCalls()).isEqualTo(4);
        assertThat(breakers.config("default").failureRateThreshold()).isEqualTo(80);
    }

    @Test
    void instanceWhoseNewConfigEqualsItsOwnIsLeftAlone() {
        breakers.configureDefault(base -> window(base).failureRateThreshold(50).build());
        CircuitBreaker inventory = breakers.instance("inventory");
        CircuitBreakerConfig before = inventory.config();
        List<ResilienceEvent> events = new ArrayList<>();
        inventory.events().onEvent(events::add);

        breakers.reconfigure(breakers.newDefinitions()
                .configureDefault(base -> window(base).failureRateThreshold(50).build()));

        assertThat(inventory.config()).isSameAs(before);
        assertThat(events).isEmpty();
        breakers.reconfigure(breakers.newDefinitions()
                .configureDefault(base -> window(base).failureRateThreshold(51).build()));
        assertThat(events).extracting(ResilienceEvent::type)
                .containsExactly(EventType.CIRCUIT_BREAKER_CONFIG_CHANGED);
    }

    @Test
    void changeByHandIsKeptUntilTheInstancesOwnSettingsChange() {
        breakers.configureInstance("inventory", null, base -> window(base).failureRateThreshold(50).build());
        CircuitBreaker inventory = breakers.instance("inventory");
        CircuitBreaker payments = breakers.instance("payments");
        CircuitBreakerConfig byHand = CircuitBreakerConfig.from(inventory.config()).failureRateThreshold(5).build();
        inventory.reconfigure(byHand);

        breakers.reconfigure(breakers.newDefinitions()
                .configureInstance("inventory", null, base -> window(base).failureRateThreshold(50).build())
                .configureInstance("payments", null, base -> window(base).failureRateThreshold(70).build()));

        assertThat(inventory.config()).isSameAs(byHand);
        assertThat(payments.config().failureRateThreshold()).isEqualTo(70);
        breakers.reconfigure(breakers.newDefinitions()
                .configureInstance("inventory", null, base -> window(base).failureRateThreshold(60).build()));
        assertThat(inventory.config().failureRateThreshold()).isEqualTo(60);
    }

    @Test
    void changedSharedConfigReachesTheInstancesInheritingFromIt() {
        breakers.addConfig("backend", "default", base -> CircuitBreakerConfig.from(base).failureRateThreshold(40).build());
        breakers.configureInstance("inventory", "backend", base -> CircuitBreakerConfig.from(base)
                .waitDurationInOpenState(Duration.ofSeconds(5)).build());
        CircuitBreaker inventory = breakers.instance("inventory");

        breakers.reconfigure(breakers.newDefinitions()
                .addConfig("backend", "default", base -> CircuitBreakerConfig.from(base).failureRateThreshold(25).build())
                .configureInstance("inventory", "backend", base -> CircuitBreakerConfig.from(base)
                        .waitDurationInOpenState(Duration.ofSeconds(5)).build()));

        assertThat(inventory.config().failureRateThreshold()).isEqualTo(25);
        assertThat(inventory.config().waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void instanceNewlyNamedTakesItsSettings() {
        CircuitBreaker inventory = breakers.instance("inventory");

        breakers.reconfigure(breakers.newDefinitions().configureInstance("inventory", null,
                base -> CircuitBreakerConfig.from(base).failureRateThreshold(10).build()));

        assertThat(inventory.config().failureRateThreshold()).isEqualTo(10);
    }

    @Test
    void instanceWhoseEntryIsRemovedFallsBackToDefault() {
        breakers.configureDefault(base -> CircuitBreakerConfig.from(base).failureRateThreshold(60).build());
        breakers.configureInstance("inventory", null, base -> CircuitBreakerConfig.from(base)
                .failureRateThreshold(10).build());
        CircuitBreaker inventory = breakers.instance("inventory");
        assertThat(inventory.config().failureRateThreshold()).isEqualTo(10);

        breakers.reconfigure(breakers.newDefinitions().configureDefault(base -> CircuitBreakerConfig.from(base)
                .failureRateThreshold(60).build()));

        assertThat(inventory.config().failureRateThreshold()).isEqualTo(60);
        assertThat(breakers.instanceConfig("inventory").failureRateThreshold()).isEqualTo(60);
    }

    @Test
    void instancesBuiltLaterUseTheNewSet() {
        breakers.reconfigure(breakers.newDefinitions().configureInstance("payments", null,
                base -> CircuitBreakerConfig.from(base).failureRateThreshold(15).build()));

        assertThat(breakers.instance("payments").config().failureRateThreshold()).isEqualTo(15);
    }

    @Test
    void invalidLevelAppliesNothingAnywhere() {
        breakers.configureDefault(base -> CircuitBreakerConfig.from(base).failureRateThreshold(50).build());
        CircuitBreaker inventory = breakers.instance("inventory");
        CircuitBreaker payments = breakers.instance("payments");
        CircuitBreakerConfig before = inventory.config();
        CircuitBreakerConfig paymentsBefore = payments.config();

        InvalidConfigException invalid = catchThrowableOfType(InvalidConfigException.class,
                () -> breakers.reconfigure(breakers.newDefinitions()
                        .configureDefault(base -> CircuitBreakerConfig.from(base).failureRateThreshold(20).build())
                        .configureInstance("payments", null,
                                base -> CircuitBreakerConfig.from(base).failureRateThreshold(150).build())));

        assertThat(invalid.level()).contains(PolicyRegistry.Level.instance("payments"));
        assertThat(invalid.setting()).isEqualTo("failureRateThreshold");
        assertThat(inventory.config()).isSameAs(before);
        assertThat(payments.config()).isSameAs(paymentsBefore);
        assertThat(breakers.config("default").failureRateThreshold()).isEqualTo(50);
    }

    @Test
    void unknownBaseConfigInTheNewSetAppliesNothing() {
        CircuitBreaker inventory = breakers.instance("inventory");
        CircuitBreakerConfig before = inventory.config();

        InvalidConfigException invalid = catchThrowableOfType(InvalidConfigException.class,
                () -> breakers.reconfigure(breakers.newDefinitions().configureInstance("inventory", "missing",
                        base -> base)));

        assertThat(invalid).hasMessage("instance 'inventory': baseConfig must be one of the defined configs "
                + "[default], but was 'missing'");
        assertThat(inventory.config()).isSameAs(before);
    }

    @Test
    void preparedChangeAppliesOnlyWhenApplied() {
        CircuitBreaker inventory = breakers.instance("inventory");
        CircuitBreakerConfig before = inventory.config();

        PolicyRegistry<CircuitBreakerConfig, CircuitBreaker>.Reconfiguration prepared = breakers
                .prepareReconfiguration(breakers.newDefinitions().configureDefault(base -> CircuitBreakerConfig
                        .from(base).failureRateThreshold(33).build()));

        assertThat(inventory.config()).isSameAs(before);
        assertThat(prepared.instanceConfigs()).containsOnlyKeys("inventory");
        CircuitBreaker builtMeanwhile = breakers.instance("payments");
        prepared.apply();
        assertThat(inventory.config().failureRateThreshold()).isEqualTo(33);
        assertThat(builtMeanwhile.config().failureRateThreshold()).isEqualTo(33);
    }

    @Test
    void instanceBuiltFromASharedConfigFollowsThatConfig() {
        RetryRegistry retries = new RetryRegistry(clock);
        retries.addConfig("patient", null, base -> RetryConfig.from(base).maxAttempts(5).build());
        Retry retry = retries.instance("orders", "patient");

        retries.reconfigure(retries.newDefinitions()
                .addConfig("patient", null, base -> RetryConfig.from(base).maxAttempts(7).build()));

        assertThat(retry.config().maxAttempts()).isEqualTo(7);
        assertThatIllegalStateException()
                .isThrownBy(() -> retries.reconfigure(retries.newDefinitions()))
                .withMessage("instance 'orders' was built from config 'patient', which the new settings no longer "
                        + "define; known configs: [default]");
        assertThat(retry.config().maxAttempts()).isEqualTo(7);
    }

    @Test
    void instanceThatCannotChangeInPlaceStopsTheWholeChange() {
        PolicyRegistry<String, Object> fixed = new PolicyRegistry<>("built-in", (name, config) -> new Object() {
            @Override
            public String toString() {
                return name;
            }
        }, Object::toString) {
        };
        fixed.instance("legacy");

        assertThatIllegalStateException()
                .isThrownBy(() -> fixed.reconfigure(fixed.newDefinitions().addConfig("default", "changed")))
                .withMessageStartingWith("instance 'legacy' (")
                .withMessageEndingWith(") cannot change its settings in place: it does not implement "
                        + "dev.resilience.core.Reconfigurable");
        assertThat(fixed.config("default")).isEqualTo("built-in");
    }

    @Test
    void refusedChangeOfOneInstanceNamesItAndAppliesNothing() {
        RateLimiterRegistry limiters = new RateLimiterRegistry(clock, PermitBuckets.local(clock));
        limiters.configureInstance("shared", null, base -> RateLimiterConfig.from(base)
                .scope(RateLimiterScope.CLUSTER).build());
        RateLimiter local = limiters.instance("local");
        RateLimiter shared = limiters.instance("shared");
        RateLimiterConfig before = local.config();

        InvalidConfigException refused = catchThrowableOfType(InvalidConfigException.class,
                () -> limiters.reconfigure(limiters.newDefinitions()
                        .configureDefault(base -> RateLimiterConfig.from(base).limitForPeriod(7).build())
                        .configureInstance("shared", null, base -> RateLimiterConfig.from(base)
                                .scope(RateLimiterScope.CLUSTER).build())));

        assertThat(refused.level()).contains(PolicyRegistry.Level.instance("shared"));
        assertThat(refused.setting()).isEqualTo("limitForPeriod");
        assertThat(local.config()).isSameAs(before);
        assertThat(shared.config().limitForPeriod()).isEqualTo(before.limitForPeriod());
    }
}

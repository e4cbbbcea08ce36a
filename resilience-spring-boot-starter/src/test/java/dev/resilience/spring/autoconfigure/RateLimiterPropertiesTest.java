package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import dev.resilience.core.ratelimiter.EngineFailureMode;
import dev.resilience.core.ratelimiter.PermitBucket;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;

/**
 * {@code resilience.ratelimiter.*}: settings and their inheritance, validation at start-up naming the property,
 * and where each instance's buckets come from by its scope.
 */
class RateLimiterPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withBean(ManualClock.class, ManualClock::new);

    @Test
    void anInstanceWithoutSettingsHasTheBuiltInDefaults() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(RateLimiterRegistry.class);
            RateLimiterConfig config = context.getBean(RateLimiterRegistry.class).instance("plain").config();
            assertThat(config.limitForPeriod()).isEqualTo(50);
            assertThat(config.limitRefreshPeriod()).isEqualTo(Duration.ofSeconds(1));
            assertThat(config.type()).isEqualTo(RateLimiterType.SMOOTH);
            assertThat(config.maxWaitDuration()).isZero();
            assertThat(config.maxKeys()).isEqualTo(10_000);
            assertThat(config.scope()).isEqualTo(RateLimiterScope.LOCAL);
            assertThat(config.expectedInstances()).isEqualTo(1);
            assertThat(config.onEngineFailure()).isEqualTo(EngineFailureMode.LOCAL);
        });
    }

    @Test
    void everySettingBindsAndInheritsInstanceOverBaseConfigOverDefault() {
        runner.withPropertyValues(
                "resilience.ratelimiter.configs.default.limit-for-period=10",
                "resilience.ratelimiter.configs.default.max-keys=500",
                "resilience.ratelimiter.configs.partners.base-config=default",
                "resilience.ratelimiter.configs.partners.limit-refresh-period=1m",
                "resilience.ratelimiter.configs.partners.type=fixed-window",
                "resilience.ratelimiter.configs.partners.on-engine-failure=reject",
                "resilience.ratelimiter.instances.acme.base-config=partners",
                "resilience.ratelimiter.instances.acme.limit-for-period=600",
                "resilience.ratelimiter.instances.acme.max-wait-duration=250ms",
                "resilience.ratelimiter.instances.acme.expected-instances=3").run(context -> {
                    RateLimiterRegistry registry = context.getBean(RateLimiterRegistry.class);
                    RateLimiterConfig acme = registry.instance("acme").config();
                    assertThat(acme.limitForPeriod()).as("the instance's own").isEqualTo(600);
                    assertThat(acme.limitRefreshPeriod()).as("its base config's").isEqualTo(Duration.ofMinutes(1));
                    assertThat(acme.type()).isEqualTo(RateLimiterType.FIXED_WINDOW);
                    assertThat(acme.onEngineFailure()).isEqualTo(EngineFailureMode.REJECT);
                    assertThat(acme.maxKeys()).as("default's").isEqualTo(500);
                    assertThat(acme.maxWaitDuration()).isEqualTo(Duration.ofMillis(250));
                    assertThat(acme.expectedInstances()).isEqualTo(3);
                    assertThat(registry.instance("other").config().limitForPeriod()).isEqualTo(10);
                    assertThat(registry.instance("acme").clock()).isSameAs(context.getBean(ManualClock.class));
                });
    }

    @Test
    void aFixedWindowInstanceHandsOutItsLimitPerWindowOnTheApplicationsClock() {
        runner.withPropertyValues("resilience.ratelimiter.instances.window.type=fixed-window",
                "resilience.ratelimiter.instances.window.limit-for-period=2",
                "resilience.ratelimiter.instances.window.limit-refresh-period=10s").run(context -> {
                    RateLimiter limiter = context.getBean(RateLimiterRegistry.class).instance("window");
                    assertThat(limiter.tryAcquirePermission()).isTrue();
                    assertThat(limiter.tryAcquirePermission()).isTrue();
                    assertThat(limiter.tryAcquirePermission()).isFalse();
                    context.getBean(ManualClock.class).advance(Duration.ofSeconds(10));
                    assertThat(limiter.availablePermits()).isEqualTo(2);
                });
    }

    @Test
    void zeroLimitStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.limit-for-period=0")
                .run(failsWith("resilience.ratelimiter.instances.api.limit-for-period must be at least 1, but was 0"));
    }

    @Test
    void aLimitAboveTheMostABucketHoldsStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.configs.default.limit-for-period=2000000000")
                .run(failsWith("resilience.ratelimiter.configs.default.limit-for-period must be at most 1000000000 "
                        + "(use a shorter period for more), but was 2000000000"));
    }

    @Test
    void zeroRefreshPeriodStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.configs.shared.limit-refresh-period=0s")
                .run(failsWith("resilience.ratelimiter.configs.shared.limit-refresh-period must be greater than 0, "
                        + "but was PT0S"));
    }

    @Test
    void negativeMaxWaitStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.max-wait-duration=-1ms")
                .run(failsWith("resilience.ratelimiter.instances.api.max-wait-duration must not be negative, "
                        + "but was PT-0.001S"));
    }

    @Test
    void zeroMaxKeysStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.max-keys=0")
                .run(failsWith("resilience.ratelimiter.instances.api.max-keys must be at least 1, but was 0"));
    }

    @Test
    void zeroExpectedInstancesStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.expected-instances=0")
                .run(failsWith("resilience.ratelimiter.instances.api.expected-instances must be at least 1, "
                        + "but was 0"));
    }

    @Test
    void unknownBaseConfigStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.base-config=missing")
                .run(failsWith("resilience.ratelimiter.instances.api.base-config must be one of the defined configs "
                        + "[default], but was 'missing'"));
    }

    @Test
    void unknownTypeIsReportedByTheBinderAtItsProperty() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.type=leaky-bucket").run(context -> {
            assertThat(context).hasFailed();
            BindException bind = findCause(context.getStartupFailure(), BindException.class);
            assertThat(bind.getProperty().getName()).hasToString("resilience.ratelimiter.instances.api.type");
        });
    }

    @Test
    void misspelledKeyStopsStartUp() {
        runner.withPropertyValues("resilience.ratelimiter.instances.api.limit-per-period=5").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("resilience.ratelimiter.instances.api.limit-per-period");
        });
    }

    @Test
    void localInstancesNeverAskTheClusterBuckets() {
        runner.withBean("resilienceClusterPermitBuckets", RecordingBuckets.class, RecordingBuckets::new)
                .run(context -> {
                    RateLimiter limiter = context.getBean(RateLimiterRegistry.class).instance("local");
                    assertThat(limiter.tryAcquirePermission("tenant-a")).isTrue();
                    assertThat(context.getBean(RecordingBuckets.class).asked).isEmpty();
                });
    }

    @Test
    void clusterInstancesTakeTheirSharedAndKeyedBucketsFromTheClusterBean() {
        runner.withBean("resilienceClusterPermitBuckets", RecordingBuckets.class, RecordingBuckets::new)
                .withPropertyValues("resilience.ratelimiter.configs.shared.scope=cluster",
                        "resilience.ratelimiter.configs.shared.limit-for-period=1",
                        "resilience.ratelimiter.instances.fleet.base-config=shared",
                        "resilience.ratelimiter.instances.own.limit-for-period=1")
                .run(context -> {
                    RecordingBuckets cluster = context.getBean(RecordingBuckets.class);
                    RateLimiterRegistry registry = context.getBean(RateLimiterRegistry.class);
                    RateLimiter fleet = registry.instance("fleet");
                    assertThat(cluster.asked).containsExactly("fleet/null (CLUSTER, limit 1)");

                    assertThat(fleet.tryAcquirePermission("tenant-a")).isTrue();
                    assertThat(fleet.tryAcquirePermission("tenant-a")).isFalse();
                    assertThat(fleet.tryAcquirePermission("tenant-b")).isTrue();
                    assertThat(fleet.tryAcquirePermission()).isTrue();
                    assertThat(cluster.asked).containsExactly("fleet/null (CLUSTER, limit 1)",
                            "fleet/tenant-a (CLUSTER, limit 1)", "fleet/tenant-b (CLUSTER, limit 1)");

                    RateLimiter own = registry.instance("own");
                    assertThat(own.tryAcquirePermission("tenant-a")).isTrue();
                    assertThat(cluster.asked).as("a local instance's buckets are its own").hasSize(3);
                });
    }

    @Test
    void aPermitBucketsBeanOfAnotherNameIsNoClusterEngine() {
        runner.withBean("somethingElse", PermitBuckets.class, RecordingBuckets::new)
                .withPropertyValues("resilience.ratelimiter.instances.fleet.scope=cluster")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void aClusterInstanceWithoutAClusterEngineStopsStartUpAtItsScope() {
        runner.withPropertyValues("resilience.ratelimiter.instances.fleet.scope=cluster")
                .run(failsWith("resilience.ratelimiter.instances.fleet.scope is cluster, but cluster scope needs a "
                        + "Hazelcast instance or a Redis (Lettuce) client bean in the application, with the "
                        + "resilience cluster module that makes the bean 'resilienceClusterPermitBuckets' from it; "
                        + "there is no such bean. Add one, or set the scope to local."));
    }

    @Test
    void anInheritedClusterScopeIsReportedAtTheConfigThatSetsIt() {
        runner.withPropertyValues("resilience.ratelimiter.configs.shared.scope=cluster",
                "resilience.ratelimiter.configs.fleet-wide.base-config=shared",
                "resilience.ratelimiter.instances.fleet.base-config=fleet-wide",
                "resilience.ratelimiter.instances.fleet.limit-for-period=5")
                .run(context -> {
                    assertThat(context).hasFailed();
                    InvalidResilienceConfigException invalid = findCause(context.getStartupFailure(),
                            InvalidResilienceConfigException.class);
                    assertThat(invalid.property()).isEqualTo("resilience.ratelimiter.configs.shared.scope");
                    assertThat(invalid).hasMessageStartingWith("resilience.ratelimiter.configs.shared.scope is "
                            + "cluster (inherited by instance 'fleet'), but cluster scope needs a Hazelcast instance "
                            + "or a Redis (Lettuce) client bean in the application");
                    FailureAnalysis analysis = new ResilienceFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getAction())
                            .startsWith("Correct 'resilience.ratelimiter.configs.shared.scope'");
                });
    }

    @Test
    void aClusterScopeInTheDefaultConfigNeedsTheEngineEvenWithoutConfiguredInstances() {
        runner.withPropertyValues("resilience.ratelimiter.configs.default.scope=cluster")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(findCause(context.getStartupFailure(), InvalidResilienceConfigException.class)
                            .property()).isEqualTo("resilience.ratelimiter.configs.default.scope");
                });
    }

    @Test
    void aClusterConfigNoInstanceUsesNeedsNoEngineUntilAnInstanceIsBuiltFromIt() {
        runner.withPropertyValues("resilience.ratelimiter.configs.later.scope=cluster").run(context -> {
            assertThat(context).hasNotFailed();
            RateLimiterRegistry registry = context.getBean(RateLimiterRegistry.class);
            assertThatThrownBy(() -> registry.instance("built-later", "later"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("rate limiter 'built-later' has scope cluster, but cluster scope needs");
        });
    }

    /** Stands in for the cluster module's bean: records what it is asked for, hands out local buckets. */
    static class RecordingBuckets implements PermitBuckets {
        final List<String> asked = new CopyOnWriteArrayList<>();
        private final PermitBuckets local = PermitBuckets.local(Clock.system());

        @Override
        public PermitBucket create(String name, Object key, RateLimiterConfig config) {
            asked.add(name + "/" + key + " (" + config.scope() + ", limit " + config.limitForPeriod() + ")");
            return local.create(name, key, config);
        }
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String message) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(message);
        };
    }

    private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getName() + " in the causes of " + failure);
    }
}

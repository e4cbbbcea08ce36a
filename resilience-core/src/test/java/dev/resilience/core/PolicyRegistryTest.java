package dev.resilience.core;

import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryConfig;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.Timeout;
import dev.resilience.core.timeout.TimeoutConfig;
import dev.resilience.core.timeout.TimeoutRegistry;

class PolicyRegistryTest {

    private final ManualClock clock = new ManualClock();
    private final RetryRegistry registry = new RetryRegistry(clock);

    // ---- instances -----------------------------------------------------------------------------------------

    @Test
    void buildsAnInstanceOnFirstUseWithTheBuiltInDefaults() {
        assertThat(registry.find("inventory")).isEmpty();

        Retry retry = registry.instance("inventory");

        assertThat(retry.name()).isEqualTo("inventory");
        assertThat(retry.config()).isSameAs(RetryConfig.ofDefaults());
        assertThat(retry.clock()).isSameAs(clock);
        assertThat(registry.find("inventory")).containsSame(retry);
    }

    @Test
    void returnsTheSameInstanceOnLaterUse() {
        Retry first = registry.instance("inventory");

        assertThat(registry.instance("inventory")).isSameAs(first);
        assertThat(registry.instance("inventory", PolicyRegistry.DEFAULT_CONFIG)).isSameAs(first);
    }

    @Test
    void listsInstancesSortedByName() {
        registry.instance("payments");
        registry.instance("inventory");
        registry.instance("orders");

        assertThat(registry.names()).containsExactly("inventory", "orders", "payments");
        assertThat(registry.all()).extracting(Retry::name).containsExactly("inventory", "orders", "payments");
    }

    @Test
    void blankInstanceNameIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> registry.instance(" "))
                .withMessage("name must not be blank, but was ' '");
        assertThat(registry.names()).isEmpty();
    }

    // ---- config inheritance --------------------------------------------------------------------------------

    @Test
    void instanceInheritsDefaultThenSharedConfigThenItsOwnOverrides() {
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(5).build());
        registry.addConfig("backend", "default", base -> RetryConfig.from(base)
                .waitDuration(Duration.ofSeconds(1)).maxWaitDuration(Duration.ofSeconds(10)).build());
        registry.configureInstance("inventory", "backend", base -> RetryConfig.from(base).jitter(0.5).build());

        RetryConfig config = registry.instance("inventory").config();

        assertThat(config.maxAttempts()).isEqualTo(5);
        assertThat(config.waitDuration()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.maxWaitDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.jitter()).isEqualTo(0.5);
        assertThat(config.backoffMultiplier()).isEqualTo(1.0);
    }

    @Test
    void laterLevelsOverrideEarlierOnes() {
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(5).build());
        registry.addConfig("backend", "default", base -> RetryConfig.from(base).maxAttempts(7).build());
        registry.configureInstance("inventory", "backend", base -> RetryConfig.from(base).maxAttempts(9).build());

        assertThat(registry.config("default").maxAttempts()).isEqualTo(5);
        assertThat(registry.config("backend").maxAttempts()).isEqualTo(7);
        assertThat(registry.instance("inventory").config().maxAttempts()).isEqualTo(9);
        assertThat(registry.instance("orders").config().maxAttempts()).isEqualTo(5);
    }

    @Test
    void sharedConfigSeesTheDefaultAsItIsWhenTheInstanceIsBuilt() {
        registry.addConfig("backend", "default", base -> RetryConfig.from(base).jitter(0.25).build());
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(6).build());

        RetryConfig config = registry.instance("inventory", "backend").config();

        assertThat(config.maxAttempts()).isEqualTo(6);
        assertThat(config.jitter()).isEqualTo(0.25);
    }

    @Test
    void sharedConfigWithoutANamedBaseInheritsTheDefault() {
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(6).build());
        registry.addConfig("backend", null, base -> RetryConfig.from(base).jitter(0.25).build());

        RetryConfig config = registry.config("backend");

        assertThat(config.maxAttempts()).isEqualTo(6);
        assertThat(config.jitter()).isEqualTo(0.25);
    }

    @Test
    void defaultDerivedFromItselfStartsFromTheBuiltInDefaults() {
        registry.addConfig("default", "default", base -> RetryConfig.from(base).maxAttempts(8).build());

        RetryConfig config = registry.config("default");

        assertThat(config.maxAttempts()).isEqualTo(8);
        assertThat(config.waitDuration()).isEqualTo(RetryConfig.ofDefaults().waitDuration());
    }

    @Test
    void defaultCannotDeriveFromAnotherConfig() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> registry.addConfig("default", "backend", base -> base))
                .withMessage("config 'default': baseConfig must be 'default' or none (config 'default' derives "
                        + "from the built-in defaults), but was 'backend'");
        assertThat(registry.config("default")).isSameAs(RetryConfig.ofDefaults());
    }

    @Test
    void fixedConfigIsUsedAsGiven() {
        RetryConfig fixed = RetryConfig.builder().maxAttempts(2).build();
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(9).build());
        registry.addConfig("fixed", fixed);

        assertThat(registry.config("fixed")).isSameAs(fixed);
        assertThat(registry.instance("inventory", "fixed").config()).isSameAs(fixed);
    }

    @Test
    void instanceCanBeBuiltFromANamedSharedConfig() {
        registry.addConfig("slow", "default", base -> RetryConfig.from(base).waitDuration(Duration.ofSeconds(2))
                .build());

        assertThat(registry.instance("reports", "slow").config().waitDuration()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void instanceConfigIsTheDefaultWithoutOverrides() {
        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(4).build());

        assertThat(registry.instanceConfig("anything").maxAttempts()).isEqualTo(4);
    }

    @Test
    void configChangesAfterAnInstanceWasBuiltDoNotChangeIt() {
        Retry retry = registry.instance("inventory");

        registry.configureDefault(base -> RetryConfig.from(base).maxAttempts(9).build());

        assertThat(registry.instance("inventory")).isSameAs(retry);
        assertThat(retry.config().maxAttempts()).isEqualTo(3);
    }

    @Test
    void listsConfigNamesWithDefaultAlwaysIncluded() {
        assertThat(registry.configNames()).containsExactly("default");

        registry.addConfig("slow", "default", base -> base);
        registry.addConfig("backend", "default", base -> base);

        assertThat(registry.configNames()).containsExactly("backend", "default", "slow");
    }

    // ---- errors --------------------------------------------------------------------------------------------

    @Test
    void unknownConfigNamesTheConfigAndTheKnownOnes() {
        registry.addConfig("backend", "default", base -> base);

        assertThatIllegalArgumentException().isThrownBy(() -> registry.config("bakend"))
                .withMessage("no config named 'bakend'; known configs: [backend, default]");
        assertThatIllegalArgumentException().isThrownBy(() -> registry.instance("inventory", "bakend"))
                .withMessage("no config named 'bakend'; known configs: [backend, default]");
    }

    @Test
    void unknownBaseOfASharedConfigIsReportedWhenItIsResolved() {
        registry.addConfig("backend", "missing", base -> base);

        assertThatIllegalArgumentException().isThrownBy(() -> registry.config("backend"))
                .withMessage("config 'backend': baseConfig must be one of the defined configs [backend, default], "
                        + "but was 'missing'");
    }

    @Test
    void instanceWithAnUnknownBaseIsNotRegisteredAndCanBeBuiltOnceTheConfigExists() {
        registry.configureInstance("inventory", "backend", base -> RetryConfig.from(base).maxAttempts(4).build());

        assertThatIllegalArgumentException().isThrownBy(() -> registry.instance("inventory"))
                .withMessage("instance 'inventory': baseConfig must be one of the defined configs [default], "
                        + "but was 'backend'");
        assertThat(registry.find("inventory")).isEmpty();

        registry.addConfig("backend", "default", base -> base);
        assertThat(registry.instance("inventory").config().maxAttempts()).isEqualTo(4);
    }

    @Test
    void inheritanceCycleIsReportedWithItsPath() {
        registry.addConfig("a", "b", base -> base);
        registry.addConfig("b", "c", base -> base);
        registry.addConfig("c", "a", base -> base);

        assertThatIllegalArgumentException().isThrownBy(() -> registry.config("a"))
                .withMessage("config 'c': baseConfig must not form a cycle (a -> b -> c -> a), but was 'a'");
        assertThatIllegalArgumentException().isThrownBy(() -> registry.instance("inventory", "b"))
                .withMessage("config 'a': baseConfig must not form a cycle (b -> c -> a -> b), but was 'b'");
    }

    @Test
    void sharedConfigInheritingFromItselfIsReported() {
        registry.addConfig("backend", "backend", base -> base);

        assertThatIllegalArgumentException().isThrownBy(() -> registry.config("backend"))
                .withMessage("config 'backend': baseConfig must not form a cycle (backend -> backend), "
                        + "but was 'backend'");
    }

    @Test
    void blankConfigNamesAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> registry.addConfig(" ", "default", base -> base))
                .withMessage("name must not be blank, but was ' '");
        assertThatIllegalArgumentException().isThrownBy(() -> registry.configureInstance("inventory", "", base -> base))
                .withMessage("instance 'inventory': baseConfig must not be blank, but was ''");
    }

    @Test
    void cycleReachedFromOutsideShowsOnlyTheCycle() {
        registry.addConfig("entry", "a", base -> base);
        registry.addConfig("a", "b", base -> base);
        registry.addConfig("b", "a", base -> base);

        assertThatIllegalArgumentException().isThrownBy(() -> registry.config("entry"))
                .withMessage("config 'b': baseConfig must not form a cycle (a -> b -> a), but was 'a'");
    }

    // ---- typed errors --------------------------------------------------------------------------------------

    @Test
    void invalidSettingOfASharedConfigNamesThatConfig() {
        registry.addConfig("backend", "default", base -> RetryConfig.from(base).maxAttempts(0).build());

        InvalidConfigException e = invalid(() -> registry.config("backend"));

        assertThat(e.level()).contains(PolicyRegistry.Level.config("backend"));
        assertThat(e.setting()).isEqualTo("maxAttempts");
        assertThat(e.value()).isEqualTo(0);
        assertThat(e.expected()).isEqualTo("at least 1");
        assertThat(e).hasMessage("config 'backend': maxAttempts must be at least 1, but was 0");
    }

    @Test
    void invalidSettingOfAnInstanceNamesTheInstance() {
        registry.configureInstance("inventory", "default", base -> RetryConfig.from(base).jitter(2).build());

        InvalidConfigException e = invalid(() -> registry.instance("inventory"));

        assertThat(e.level()).contains(PolicyRegistry.Level.instance("inventory"));
        assertThat(e.level().get().kind()).isEqualTo(PolicyRegistry.Level.Kind.INSTANCE);
        assertThat(e.setting()).isEqualTo("jitter");
        assertThat(e).hasMessage("instance 'inventory': jitter must be between 0 and 1, but was 2");
        assertThat(registry.find("inventory")).isEmpty();
    }

    @Test
    void invalidSettingIsReportedAtTheLevelThatIntroducedIt() {
        registry.configureDefault(base -> RetryConfig.from(base).waitDuration(Duration.ofSeconds(-1)).build());
        registry.addConfig("backend", "default", base -> RetryConfig.from(base).maxAttempts(5).build());
        registry.configureInstance("inventory", "backend", base -> RetryConfig.from(base).jitter(0.5).build());

        InvalidConfigException e = invalid(() -> registry.instance("inventory"));

        assertThat(e.level()).contains(PolicyRegistry.Level.config("default"));
        assertThat(e).hasMessage("config 'default': waitDuration must not be negative, but was PT-1S");
    }

    @Test
    void settingThatConflictsWithItsBaseIsReportedAtTheLevelThatSetsIt() {
        registry.configureDefault(base -> RetryConfig.from(base).waitDuration(Duration.ofSeconds(2)).build());
        registry.configureInstance("inventory", "default",
                base -> RetryConfig.from(base).maxWaitDuration(Duration.ofSeconds(1)).build());

        InvalidConfigException e = invalid(() -> registry.instanceConfig("inventory"));

        assertThat(e.level()).contains(PolicyRegistry.Level.instance("inventory"));
        assertThat(e).hasMessage("instance 'inventory': maxWaitDuration must be at least waitDuration (PT2S), "
                + "but was PT1S");
    }

    @Test
    void unknownBaseConfigIsTypedAtTheLevelThatNamesIt() {
        registry.addConfig("backend", "default", base -> base);
        registry.configureInstance("inventory", "bakend", base -> base);

        InvalidConfigException e = invalid(() -> registry.instanceConfig("inventory"));

        assertThat(e.level()).contains(PolicyRegistry.Level.instance("inventory"));
        assertThat(e.setting()).isEqualTo(PolicyRegistry.BASE_CONFIG).isEqualTo("baseConfig");
        assertThat(e.value()).isEqualTo("bakend");
        assertThat(e.expected()).isEqualTo("one of the defined configs [backend, default]");
    }

    @Test
    void cycleIsTypedAtTheLevelThatClosesIt() {
        registry.addConfig("first", "second", base -> base);
        registry.addConfig("second", "first", base -> base);

        InvalidConfigException e = invalid(() -> registry.config("first"));

        assertThat(e.level()).contains(PolicyRegistry.Level.config("second"));
        assertThat(e.setting()).isEqualTo("baseConfig");
        assertThat(e.value()).isEqualTo("first");
        assertThat(e.expected()).isEqualTo("a config that does not inherit from 'second'");
        assertThat(e.problem(InvalidConfigException.Notation.JAVA))
                .isEqualTo("must not form a cycle (first -> second -> first), but was 'first'");
    }

    @Test
    void defaultWithAnotherBaseIsTypedWhenItIsAdded() {
        InvalidConfigException e = invalid(() -> registry.addConfig("default", "backend", base -> base));

        assertThat(e.level()).contains(PolicyRegistry.Level.config("default"));
        assertThat(e.setting()).isEqualTo("baseConfig");
        assertThat(e.value()).isEqualTo("backend");
        assertThat(e.expected()).isEqualTo("'default' or none (config 'default' derives from the built-in defaults)");
    }

    @Test
    void blankNameOfANewConfigNamesNoLevel() {
        InvalidConfigException e = invalid(() -> registry.addConfig(" ", "default", base -> base));

        assertThat(e.setting()).isEqualTo("name");
        assertThat(e.level()).isEmpty();
    }

    @Test
    void levelsReadAsTheyAreNamed() {
        assertThat(PolicyRegistry.Level.config("backend")).hasToString("config 'backend'");
        assertThat(PolicyRegistry.Level.instance("inventory")).hasToString("instance 'inventory'");
    }

    // ---- validate ------------------------------------------------------------------------------------------

    @Test
    void validateResolvesEveryConfigAndInstanceConfigWithoutBuildingInstances() {
        List<String> resolved = new ArrayList<>();
        registry.configureDefault(base -> {
            resolved.add("default");
            return base;
        });
        registry.addConfig("backend", "default", base -> {
            resolved.add("backend");
            return base;
        });
        registry.configureInstance("inventory", "backend", base -> {
            resolved.add("inventory");
            return base;
        });

        registry.validate();

        assertThat(resolved).as("bases first, configs in name order, then instances")
                .containsExactly("default", "backend", "default", "default", "backend", "inventory");
        assertThat(registry.names()).isEmpty();
    }

    @Test
    void validateReportsAnInvalidInstanceConfigNoOneUses() {
        registry.configureInstance("unused", "default", base -> RetryConfig.from(base).maxAttempts(0).build());

        InvalidConfigException e = invalid(registry::validate);

        assertThat(e.level()).contains(PolicyRegistry.Level.instance("unused"));
        assertThat(e).hasMessage("instance 'unused': maxAttempts must be at least 1, but was 0");
    }

    @Test
    void validateReportsAnUnknownBaseOfAConfigNoOneUses() {
        registry.addConfig("orphan", "missing", base -> base);

        assertThatIllegalArgumentException().isThrownBy(registry::validate)
                .withMessage("config 'orphan': baseConfig must be one of the defined configs [default, orphan], "
                        + "but was 'missing'");
    }

    private static InvalidConfigException invalid(ThrowingCallable call) {
        InvalidConfigException e = catchThrowableOfType(InvalidConfigException.class, call);
        assertThat(e).as("an InvalidConfigException").isNotNull();
        return e;
    }

    // ---- creation listeners --------------------------------------------------------------------------------

    @Test
    void creationListenerSeesExistingInstancesAndLaterOnesOnce() {
        registry.instance("b");
        registry.instance("a");
        List<String> seen = new ArrayList<>();

        registry.onInstanceCreated(retry -> seen.add(retry.name()));
        assertThat(seen).containsExactly("a", "b");

        registry.instance("c");
        registry.instance("a");
        registry.instance("c");

        assertThat(seen).containsExactly("a", "b", "c");
    }

    @Test
    void creationListenerRegisteredDuringConcurrentCreationSeesEveryInstanceExactlyOnce() throws Exception {
        int instances = 4_000;
        int listeners = 200;
        Map<String, AtomicInteger> notifications = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int creator = 0; creator < 3; creator++) {
                int offset = creator;
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < instances; i++) {
                        registry.instance("retry-" + ((i * 7 + offset * 1_333) % instances));
                    }
                    return null;
                }));
            }
            work.add(threads.submit(() -> {
                start.await();
                for (int l = 0; l < listeners; l++) {
                    int listener = l;
                    registry.onInstanceCreated(retry -> notifications
                            .computeIfAbsent(listener + "/" + retry.name(), key -> new AtomicInteger())
                            .incrementAndGet());
                }
                return null;
            }));
            start.countDown();
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(registry.names()).hasSize(instances);
        assertThat(notifications).hasSize(instances * listeners);
        assertThat(notifications.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    @Test
    void concurrentFirstUseBuildsOneInstance() throws Exception {
        AtomicInteger created = new AtomicInteger();
        registry.onInstanceCreated(retry -> created.incrementAndGet());
        Set<Retry> seen = Collections.newSetFromMap(new ConcurrentHashMap<>());
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(threads.submit(() -> {
                    start.await();
                    for (int i = 0; i < 5_000; i++) {
                        seen.add(registry.instance("shared-" + (i % 10)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : work) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(seen).hasSize(10);
        assertThat(created).hasValue(10);
    }

    @Test
    void configThatLooksUpAnotherInstanceWhileBeingResolvedWorks() {
        registry.configureInstance("inventory", "default", base -> {
            Retry other = registry.instance("orders");
            return RetryConfig.from(base).maxAttempts(other.config().maxAttempts() + 1).build();
        });

        assertThat(registry.instance("inventory").config().maxAttempts()).isEqualTo(4);
        assertThat(registry.names()).containsExactly("inventory", "orders");
    }

    // ---- the typed registries ------------------------------------------------------------------------------

    @Test
    void typedRegistriesBuildTheirPolicyOnTheirClockFromTheirDefaults() {
        CircuitBreakerRegistry breakers = new CircuitBreakerRegistry(clock);
        TimeoutRegistry timeouts = new TimeoutRegistry(clock);
        BulkheadRegistry bulkheads = new BulkheadRegistry(clock);
        breakers.configureInstance("inventory", "default",
                base -> CircuitBreakerConfig.from(base).failureRateThreshold(25).build());
        timeouts.configureDefault(base -> TimeoutConfig.from(base).duration(Duration.ofSeconds(3)).build());
        bulkheads.addConfig("narrow", "default", base -> BulkheadConfig.from(base).maxConcurrentCalls(2).build());

        CircuitBreaker breaker = breakers.instance("inventory");
        Timeout timeout = timeouts.instance("inventory");
        Bulkhead bulkhead = bulkheads.instance("inventory", "narrow");

        assertThat(breaker.config().failureRateThreshold()).isEqualTo(25);
        assertThat(breaker.config().slidingWindowSize()).isEqualTo(CircuitBreakerConfig.ofDefaults().slidingWindowSize());
        assertThat(breaker.clock()).isSameAs(clock);
        assertThat(timeout.config().duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(timeout.clock()).isSameAs(clock);
        assertThat(bulkhead.config().maxConcurrentCalls()).isEqualTo(2);
        assertThat(bulkhead.clock()).isSameAs(clock);
    }

    @Test
    void registriesWithoutAClockUseTheSystemClock() {
        assertThat(new RetryRegistry().instance("inventory").clock()).isSameAs(Clock.system());
        assertThat(new CircuitBreakerRegistry().instance("inventory").clock()).isSameAs(Clock.system());
    }
}

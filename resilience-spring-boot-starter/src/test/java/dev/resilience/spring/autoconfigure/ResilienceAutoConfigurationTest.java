package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.test.ManualClock;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerConfig;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.aop.ResilienceAnnotationBeanPostProcessor;

/** Which beans the auto-configuration provides, which ones a user can replace, and the on/off switch. */
class ResilienceAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withPropertyValues("resilience.retry.configs.default.wait-duration=0ms");

    @Test
    void providesRegistriesClockContextPropagationFactoryAndPostProcessor() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(CircuitBreakerRegistry.class).hasSingleBean(RetryRegistry.class)
                    .hasSingleBean(TimeoutRegistry.class).hasSingleBean(BulkheadRegistry.class)
                    .hasSingleBean(RateLimiterRegistry.class).hasSingleBean(RetryBudgets.class)
                    .hasSingleBean(MethodPipelineFactory.class)
                    .hasSingleBean(ResilienceAnnotationBeanPostProcessor.class);
            assertThat(context.getBean(Clock.class)).isSameAs(Clock.system());
            assertThat(context.getBean(ContextPropagation.class)).isInstanceOf(MicrometerContextPropagation.class);
        });
    }

    @Test
    void instancesExistForEveryAnnotatedNameRightAfterStartUp() {
        runner.withUserConfiguration(AnnotatedConfig.class).run(context -> {
            assertThat(context.getBean(RetryRegistry.class).names()).containsExactly("orders");
            assertThat(context.getBean(CircuitBreakerRegistry.class).names())
                    .containsExactly("AnnotatedService.load", "AnnotatedService.save");
            assertThat(context.getBean(TimeoutRegistry.class).names()).containsExactly("AnnotatedService.load");
            assertThat(context.getBean(BulkheadRegistry.class).names()).containsExactly("uploads");
            assertThat(context.getBean(RateLimiterRegistry.class).names()).containsExactly("AnnotatedService.limited");
            assertThat(context.getBean(AnnotatedService.class).calls()).isZero();
        });
    }

    @Test
    void registriesCanBeInjectedAndShowTheInstancesTheAnnotationsUse() {
        runner.withUserConfiguration(AnnotatedConfig.class, RegistryUserConfig.class).run(context -> {
            RegistryUser user = context.getBean(RegistryUser.class);
            assertThat(user.retries).isSameAs(context.getBean(RetryRegistry.class));
            AnnotatedService service = context.getBean(AnnotatedService.class);
            assertThatThrownBy(service::save).isInstanceOf(IllegalStateException.class);
            assertThat(service.calls()).as("retried by the default config: 3 attempts").isEqualTo(3);
            assertThat(user.retries.instance("orders").failedWithRetry()).isEqualTo(1);
        });
    }

    @Test
    void userClockDrivesEveryPolicyInstance() {
        runner.withUserConfiguration(ManualClockConfig.class, AnnotatedConfig.class).run(context -> {
            ManualClock clock = context.getBean(ManualClock.class);
            assertThat(context).getBean(Clock.class).isSameAs(clock);
            assertThat(context.getBean(RetryRegistry.class).instance("orders").clock()).isSameAs(clock);
            assertThat(context.getBean(CircuitBreakerRegistry.class).instance("AnnotatedService.load").clock())
                    .isSameAs(clock);
            assertThat(context.getBean(TimeoutRegistry.class).instance("AnnotatedService.load").clock())
                    .isSameAs(clock);
            assertThat(context.getBean(BulkheadRegistry.class).instance("uploads").clock()).isSameAs(clock);
            assertThat(context.getBean(RateLimiterRegistry.class).instance("AnnotatedService.limited").clock())
                    .isSameAs(clock);
        });
    }

    @Test
    void userRegistryReplacesTheAutoConfiguredOneAndReceivesTheAnnotatedInstances() {
        runner.withUserConfiguration(UserRegistryConfig.class, AnnotatedConfig.class).run(context -> {
            assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            assertThat(registry).isSameAs(context.getBean(UserRegistryConfig.class).registry);
            assertThat(registry.find("AnnotatedService.save")).get()
                    .extracting(breaker -> breaker.config().failureRateThreshold()).isEqualTo(10f);
        });
    }

    @Test
    void userRateLimiterRegistryReplacesTheAutoConfiguredOneAndReceivesTheAnnotatedInstances() {
        runner.withUserConfiguration(UserRateLimiterRegistryConfig.class, AnnotatedConfig.class).run(context -> {
            assertThat(context).hasSingleBean(RateLimiterRegistry.class);
            RateLimiterRegistry registry = context.getBean(RateLimiterRegistry.class);
            assertThat(registry).isSameAs(context.getBean(UserRateLimiterRegistryConfig.class).registry);
            assertThat(registry.find("AnnotatedService.limited")).get()
                    .extracting(limiter -> limiter.config().limitForPeriod()).isEqualTo(7);
        });
    }

    @Test
    void userMethodPipelineFactoryIsUsedForAnnotatedBeans() {
        runner.withUserConfiguration(UserFactoryConfig.class, AnnotatedConfig.class).run(context -> {
            assertThat(context).hasSingleBean(MethodPipelineFactory.class);
            UserFactoryConfig config = context.getBean(UserFactoryConfig.class);
            assertThat(config.retries.names()).as("instances land in the registries the user's factory uses")
                    .containsExactly("orders");
            assertThat(context.getBean(RetryRegistry.class).names()).isEmpty();
        });
    }

    @Test
    void userContextPropagationCarriesContextOfAsynchronousCalls() {
        runner.withUserConfiguration(CountingPropagationConfig.class, AnnotatedConfig.class).run(context -> {
            CountingPropagation propagation = context.getBean(CountingPropagation.class);
            assertThat(context).getBean(ContextPropagation.class).isSameAs(propagation);
            assertThat(context.getBean(AnnotatedService.class).loadAsync()).succeedsWithin(Duration.ofSeconds(5))
                    .isEqualTo("loaded");
            assertThat(propagation.captures).hasValue(1);
        });
    }

    @Test
    void disabledLeavesAnnotationsInertButRegistriesAvailable() {
        runner.withUserConfiguration(AnnotatedConfig.class).withPropertyValues("resilience.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(ResilienceAnnotationBeanPostProcessor.class)
                            .hasSingleBean(RetryRegistry.class).hasSingleBean(CircuitBreakerRegistry.class);
                    AnnotatedService service = context.getBean(AnnotatedService.class);
                    assertThat(AopUtils.isAopProxy(service)).isFalse();
                    assertThatThrownBy(service::save).isInstanceOf(IllegalStateException.class);
                    assertThat(service.calls()).as("not retried").isEqualTo(1);
                    assertThat(context.getBean(RetryRegistry.class).names()).isEmpty();
                });
    }

    @Test
    void enabledByDefaultProxiesAnnotatedBeans() {
        runner.withUserConfiguration(AnnotatedConfig.class).run(context -> {
            assertThat(AopUtils.isAopProxy(context.getBean(AnnotatedService.class))).isTrue();
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class AnnotatedConfig {
        @Bean
        AnnotatedService annotatedService() {
            return new AnnotatedService();
        }
    }

    @Bulkhead(name = "uploads")
    static class AnnotatedService {
        private final AtomicInteger calls = new AtomicInteger();

        /** Read through the proxy: a class proxy's own fields are not the target's. */
        public int calls() {
            return calls.get();
        }

        @CircuitBreaker
        @Timeout
        public String load() {
            return "loaded";
        }

        @Retry(name = "orders")
        @CircuitBreaker
        public String save() {
            calls.incrementAndGet();
            throw new IllegalStateException("save failed");
        }

        @Retry(name = "orders")
        public CompletableFuture<String> loadAsync() {
            return CompletableFuture.completedFuture("loaded");
        }

        @dev.resilience.annotation.RateLimiter
        public String limited() {
            return "limited";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRateLimiterRegistryConfig {
        final RateLimiterRegistry registry = new RateLimiterRegistry();

        UserRateLimiterRegistryConfig() {
            registry.addConfig("default", RateLimiterConfig.builder().limitForPeriod(7).build());
        }

        @Bean
        RateLimiterRegistry userRateLimiterRegistry() {
            return registry;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class RegistryUserConfig {
        @Bean
        RegistryUser registryUser(RetryRegistry retries) {
            return new RegistryUser(retries);
        }
    }

    record RegistryUser(RetryRegistry retries) {
    }

    @Configuration(proxyBeanMethods = false)
    static class ManualClockConfig {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRegistryConfig {
        final CircuitBreakerRegistry registry = new CircuitBreakerRegistry();

        UserRegistryConfig() {
            registry.addConfig("default", CircuitBreakerConfig.builder().failureRateThreshold(10).build());
        }

        @Bean
        CircuitBreakerRegistry userCircuitBreakerRegistry() {
            return registry;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserFactoryConfig {
        final RetryRegistry retries = new RetryRegistry();

        @Bean
        MethodPipelineFactory userMethodPipelineFactory() {
            return new MethodPipelineFactory(new CircuitBreakerRegistry(), retries, new TimeoutRegistry(),
                    new BulkheadRegistry(), Clock.system(), ContextPropagation.NONE);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CountingPropagationConfig {
        @Bean
        CountingPropagation countingPropagation() {
            return new CountingPropagation();
        }
    }

    static class CountingPropagation implements ContextPropagation {
        final AtomicInteger captures = new AtomicInteger();

        @Override
        public Snapshot capture() {
            captures.incrementAndGet();
            return Snapshot.EMPTY;
        }
    }
}

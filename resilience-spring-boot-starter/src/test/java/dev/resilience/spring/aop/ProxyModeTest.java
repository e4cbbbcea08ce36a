package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * Beans behind interfaces (JDK proxies with {@code spring.aop.proxy-target-class=false}) and classes (CGLIB,
 * the default), with the annotations declared on the interface.
 */
class ProxyModeTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues("resilience.retry.configs.default.wait-duration=0ms");

    @Test
    void interfaceBeanIsAJdkProxyWhenProxyTargetClassIsFalse() {
        runner.withPropertyValues("spring.aop.proxy-target-class=false").run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
            assertThat(context.getBeansOfType(FailingGreeter.class)).as("only the interface is exposed").isEmpty();
            assertAnnotationsOnTheInterfaceApply(context, greeter);
        });
    }

    @Test
    void interfaceBeanIsAClassProxyByDefault() {
        runner.run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(AopUtils.isCglibProxy(greeter)).isTrue();
            assertThat(context.getBean(FailingGreeter.class)).isSameAs(greeter);
            assertAnnotationsOnTheInterfaceApply(context, greeter);
        });
    }

    @Test
    void classWithoutInterfacesIsAClassProxyEvenWhenProxyTargetClassIsFalse() {
        runner.withPropertyValues("spring.aop.proxy-target-class=false").run(context -> {
            NoInterface bean = context.getBean(NoInterface.class);
            assertThat(AopUtils.isCglibProxy(bean)).isTrue();
            assertThatThrownBy(bean::fail).isInstanceOf(IllegalStateException.class);
            assertThat(context.getBean(CallCounter.class).get("NoInterface.fail")).isEqualTo(3);
        });
    }

    @Test
    void typeLevelAnnotationOnTheInterfaceAppliesThroughAJdkProxy() {
        runner.withPropertyValues("spring.aop.proxy-target-class=false").run(context -> {
            Pinger pinger = context.getBean(Pinger.class);
            assertThat(AopUtils.isJdkDynamicProxy(pinger)).isTrue();
            assertThatThrownBy(pinger::ping).isInstanceOf(IllegalStateException.class);
            assertThat(context.getBean(CallCounter.class).get("ping")).isEqualTo(3);
            assertThat(context.getBean(RetryRegistry.class).find("pinger")).isPresent();
        });
    }

    @Test
    void beanThatIsAlreadyAProxyGetsRetriesAroundItsExistingAdvice() {
        runner.withUserConfiguration(AlreadyProxiedConfig.class).run(context -> {
            Greeter greeter = context.getBean("alreadyProxied", Greeter.class);
            AtomicInteger adviceCalls = context.getBean(AlreadyProxiedConfig.class).adviceCalls;
            assertThatThrownBy(() -> greeter.greet("ann")).isInstanceOf(IllegalStateException.class);
            assertThat(adviceCalls).as("each retry attempt passes the existing advice again").hasValue(3);
        });
    }

    @Test
    void adviceAddedToOurProxyLaterStillRunsOnEveryAttempt() {
        // Post-processors such as @Validated's add their advisor to an existing proxy, after ours: a retry must
        // then walk a fresh copy of the chain, since a chain that is not ours alone can be walked only once.
        runner.withUserConfiguration(LateAdviceConfig.class).run(context -> {
            Greeter greeter = context.getBean(Greeter.class);
            assertThat(((org.springframework.aop.framework.Advised) greeter).getAdvisorCount())
                    .as("ours, one per annotated method (greet, greetOrFallback), and the late one").isEqualTo(3);
            assertThatThrownBy(() -> greeter.greet("ann")).isInstanceOf(IllegalStateException.class);
            assertThat(LateAdviceConfig.adviceCalls).as("each attempt passes the late advice again").hasValue(3);
            assertThat(context.getBean(CallCounter.class).get("greet")).isEqualTo(3);
        });
    }

    @Test
    void retriesWrapAnAspectOfTheAspectJAutoProxyCreatorInBothProxyModes() {
        for (String proxyTargetClass : new String[] { "true", "false" }) {
            runner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
                    .withUserConfiguration(CountingAspect.class)
                    .withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass).run(context -> {
                        Greeter greeter = context.getBean(Greeter.class);
                        assertThat(AopUtils.isJdkDynamicProxy(greeter)).isEqualTo(proxyTargetClass.equals("false"));
                        assertThatThrownBy(() -> greeter.greet("ann")).isInstanceOf(IllegalStateException.class);
                        assertThat(context.getBean(CountingAspect.class).calls)
                                .as("each attempt passes the aspect again").hasValue(3);
                        assertThat(context.getBean(CallCounter.class).get("greet")).isEqualTo(3);
                    });
        }
    }

    @Test
    void annotationOnAGenericInterfaceMethodAppliesInBothProxyModes() {
        for (String proxyTargetClass : new String[] { "true", "false" }) {
            runner.withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass).run(context -> {
                @SuppressWarnings("unchecked")
                Repository<String> repository = context.getBean(Repository.class);
                assertThatThrownBy(() -> repository.find("key")).isInstanceOf(IllegalStateException.class);
                assertThat(context.getBean(CallCounter.class).get("find")).isEqualTo(3);
                assertThat(context.getBean(RetryRegistry.class).names()).contains("repository");
            });
        }
    }

    private static void assertAnnotationsOnTheInterfaceApply(AssertableApplicationContext context, Greeter greeter) {
        CallCounter counter = context.getBean(CallCounter.class);
        assertThat(context.getBean(RetryRegistry.class).find("greeter")).as("created at start-up").isPresent();
        assertThatThrownBy(() -> greeter.greet("ann")).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot greet ann (attempt 3)");
        assertThat(counter.get("greet")).isEqualTo(3);
        assertThat(greeter.greetOrFallback("bob")).as("fallback method of the implementing class")
                .isEqualTo("hello from the fallback, bob");
        assertThat(greeter.plain()).isEqualTo("plain");
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        CallCounter callCounter() {
            return new CallCounter();
        }

        @Bean
        FailingGreeter failingGreeter(CallCounter counter) {
            return new FailingGreeter(counter);
        }

        @Bean
        NoInterface noInterface(CallCounter counter) {
            return new NoInterface(counter);
        }

        @Bean
        FailingPinger failingPinger(CallCounter counter) {
            return new FailingPinger(counter);
        }

        @Bean
        StringRepository stringRepository(CallCounter counter) {
            return new StringRepository(counter);
        }
    }

    @Aspect
    static class CountingAspect {
        final AtomicInteger calls = new AtomicInteger();

        @Around("execution(* dev.resilience.spring.aop.ProxyModeTest.Greeter.greet(..))")
        Object count(ProceedingJoinPoint joinPoint) throws Throwable {
            calls.incrementAndGet();
            return joinPoint.proceed();
        }
    }

    interface Repository<T> {
        @Retry(name = "repository")
        T find(String key);
    }

    static class StringRepository implements Repository<String> {
        private final CallCounter counter;

        StringRepository(CallCounter counter) {
            this.counter = counter;
        }

        @Override
        public String find(String key) {
            counter.increment("find");
            throw new IllegalStateException("no " + key);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AlreadyProxiedConfig {
        final AtomicInteger adviceCalls = new AtomicInteger();

        @Bean
        Object alreadyProxied(CallCounter counter) {
            ProxyFactory factory = new ProxyFactory(new FailingGreeter(counter));
            factory.addAdvice((MethodInterceptor) invocation -> {
                adviceCalls.incrementAndGet();
                return invocation.proceed();
            });
            return factory.getProxy();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class LateAdviceConfig {
        static final AtomicInteger adviceCalls = new AtomicInteger();

        /** Runs after ours (a plain BeanPostProcessor is ordered after the infrastructure ones). */
        @Bean
        static org.springframework.beans.factory.config.BeanPostProcessor lateAdvice() {
            adviceCalls.set(0);
            return new org.springframework.beans.factory.config.BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String beanName) {
                    if (bean instanceof org.springframework.aop.framework.Advised advised && bean instanceof Greeter) {
                        advised.addAdvice((MethodInterceptor) invocation -> {
                            adviceCalls.incrementAndGet();
                            return invocation.proceed();
                        });
                    }
                    return bean;
                }
            };
        }
    }

    interface Greeter {
        @Retry(name = "greeter")
        String greet(String name);

        @Fallback(method = "fallbackGreeting")
        String greetOrFallback(String name);

        String plain();
    }

    static class FailingGreeter implements Greeter {
        private final CallCounter counter;

        FailingGreeter(CallCounter counter) {
            this.counter = counter;
        }

        @Override
        public String greet(String name) {
            throw new IllegalStateException("cannot greet " + name + " (attempt " + counter.increment("greet") + ")");
        }

        @Override
        public String greetOrFallback(String name) {
            throw new IllegalStateException("cannot greet " + name);
        }

        @Override
        public String plain() {
            return "plain";
        }

        private String fallbackGreeting(String name, RuntimeException failure) {
            return "hello from the fallback, " + name;
        }
    }

    @Retry(name = "pinger")
    interface Pinger {
        String ping();
    }

    static class FailingPinger implements Pinger {
        private final CallCounter counter;

        FailingPinger(CallCounter counter) {
            this.counter = counter;
        }

        @Override
        public String ping() {
            counter.increment("ping");
            throw new IllegalStateException("no pong");
        }
    }

    static class NoInterface {
        private final CallCounter counter;

        NoInterface(CallCounter counter) {
            this.counter = counter;
        }

        @Retry
        public String fail() {
            counter.increment("NoInterface.fail");
            throw new IllegalStateException("failed");
        }
    }
}

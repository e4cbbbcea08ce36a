package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/** An annotation on a class applies to its public methods only; one of the same kind on a method wins. */
@SpringBootTest(classes = ClassLevelAnnotationTest.Config.class, properties = {
        "resilience.retry.configs.default.wait-duration=0ms",
        "resilience.retry.instances.class-level.max-attempts=3",
        "resilience.retry.instances.method-level.max-attempts=2",
        "resilience.retry.instances.package-private.max-attempts=2" })
class ClassLevelAnnotationTest {

    @Autowired
    ClassAnnotated bean;

    @Autowired
    RetryRegistry retries;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Test
    void classLevelAnnotationAppliesToAPublicMethodWithoutOwnAnnotations() {
        assertThatThrownBy(bean::inherits).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("inherits")).isEqualTo(3);
    }

    @Test
    void methodLevelAnnotationOfTheSameKindWins() {
        assertThatThrownBy(bean::overrides).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("overrides")).isEqualTo(2);
        assertThat(retries.instance("method-level").failedWithRetry()).isEqualTo(1);
    }

    @Test
    void classLevelAnnotationOfAnotherKindStillAppliesNextToAMethodLevelOne() {
        assertThat(breakers.find("ClassAnnotated.overrides")).isPresent();
    }

    @Test
    void classLevelAnnotationDoesNotApplyToNonPublicMethods() {
        assertThatThrownBy(bean::packagePrivate).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("packagePrivate")).isEqualTo(1);
        assertThatThrownBy(bean::protectedMethod).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("protectedMethod")).isEqualTo(1);
        assertThat(breakers.names()).doesNotContain("ClassAnnotated.packagePrivate", "ClassAnnotated.protectedMethod");
    }

    @Test
    void methodLevelAnnotationOnANonPublicMethodApplies() {
        // Shows that the proxy does reach package-private methods, so the test above is meaningful.
        assertThatThrownBy(bean::packagePrivateAnnotated).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("packagePrivateAnnotated")).isEqualTo(2);
    }

    @Test
    void classLevelAnnotationsWithoutNameGetOneInstancePerMethod() {
        assertThat(breakers.names()).contains("ClassAnnotated.inherits", "ClassAnnotated.overrides",
                "ClassAnnotated.recovers");
        assertThat(breakers.find("ClassAnnotated.inherits").orElseThrow())
                .isNotSameAs(breakers.find("ClassAnnotated.overrides").orElseThrow());
    }

    @Test
    void methodLevelFallbackWinsOverClassLevelFallback() {
        assertThat(bean.recovers()).isEqualTo("method-level fallback");
        assertThat(bean.recoversAtClassLevel()).isEqualTo("class-level fallback");
    }

    @Test
    void classLevelAnnotationsLeaveTheObjectMethodsABeanOverridesAlone() {
        // A class-level @Fallback would otherwise demand fallbacks for equals, hashCode and toString.
        assertThat(breakers.names()).doesNotContain("WithObjectMethods.toString", "WithObjectMethods.equals",
                "WithObjectMethods.hashCode");
        assertThat(withObjectMethods.toString()).isEqualTo("WithObjectMethods");
        assertThat(withObjectMethods.work()).isEqualTo("fallback");
    }

    @Autowired
    WithObjectMethods withObjectMethods;

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ResilienceAutoConfiguration.class)
    static class Config {
        @Bean
        ClassAnnotated classAnnotated() {
            return new ClassAnnotated();
        }

        @Bean
        WithObjectMethods withObjectMethods() {
            return new WithObjectMethods();
        }
    }

    @CircuitBreaker
    @Fallback(method = "fallback")
    static class WithObjectMethods {
        public String work() {
            throw new IllegalStateException("failed");
        }

        private String fallback() {
            return "fallback";
        }

        @Override
        public boolean equals(Object other) {
            return other == this;
        }

        @Override
        public int hashCode() {
            return 42;
        }

        @Override
        public String toString() {
            return "WithObjectMethods";
        }
    }

    @Retry(name = "class-level")
    @CircuitBreaker
    @Fallback(method = "classLevelFallback", applyOn = UnsupportedOperationException.class)
    static class ClassAnnotated {
        private final CallCounter counter = new CallCounter();

        public int calls(String method) {
            return counter.get(method);
        }

        public String inherits() {
            throw new IllegalStateException("call " + counter.increment("inherits"));
        }

        @Retry(name = "method-level")
        public String overrides() {
            throw new IllegalStateException("call " + counter.increment("overrides"));
        }

        String packagePrivate() {
            throw new IllegalStateException("call " + counter.increment("packagePrivate"));
        }

        protected String protectedMethod() {
            throw new IllegalStateException("call " + counter.increment("protectedMethod"));
        }

        @Retry(name = "package-private")
        String packagePrivateAnnotated() {
            throw new IllegalStateException("call " + counter.increment("packagePrivateAnnotated"));
        }

        @Fallback(method = "methodLevelFallback")
        public String recovers() {
            throw new UnsupportedOperationException("recovers");
        }

        public String recoversAtClassLevel() {
            throw new UnsupportedOperationException("recoversAtClassLevel");
        }

        private String methodLevelFallback() {
            return "method-level fallback";
        }

        private String classLevelFallback(UnsupportedOperationException failure) {
            return "class-level fallback";
        }

        private String classLevelFallback(String method, UnsupportedOperationException failure) {
            return "class-level fallback for " + method;
        }

        private int classLevelFallback(String method) {
            return -1;
        }
    }
}

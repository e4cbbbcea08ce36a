package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * Documents a known limit shared with every proxy-based Spring feature: a call from one method of a bean to
 * another method of the same bean does not pass the proxy, so the callee's annotations do nothing.
 */
@SpringBootTest(classes = SelfInvocationTest.Config.class,
        properties = "resilience.retry.configs.default.wait-duration=0ms")
class SelfInvocationTest {

    @Autowired
    SelfCalling bean;

    @Test
    void callThroughTheProxyIsRetried() {
        assertThatThrownBy(bean::annotated).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("annotated")).isEqualTo(3);
    }

    @Test
    void callFromAnotherMethodOfTheSameBeanIsNotIntercepted() {
        assertThatThrownBy(bean::callsAnnotatedInternally).isInstanceOf(IllegalStateException.class);
        assertThat(bean.calls("internal")).as("not retried: the call did not pass the proxy").isEqualTo(1);
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ResilienceAutoConfiguration.class)
    static class Config {
        @Bean
        SelfCalling selfCalling() {
            return new SelfCalling();
        }
    }

    static class SelfCalling {
        private final CallCounter counter = new CallCounter();
        private volatile String caller = "annotated";

        public int calls(String key) {
            return counter.get(key);
        }

        public String callsAnnotatedInternally() {
            caller = "internal";
            try {
                return annotated();
            } finally {
                caller = "annotated";
            }
        }

        @Retry
        public String annotated() {
            counter.increment(caller);
            throw new IllegalStateException("failed");
        }
    }
}

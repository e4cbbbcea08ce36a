package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;

@SpringBootTest(properties = { "resilience.retry.configs.default.wait-duration=0ms" })
class SmokeTest {

    @Autowired
    Flaky flaky;

    @Test
    void retriesThenFallsBack() throws Exception {
        assertThat(flaky.call("x")).isEqualTo("fallback x after IOException");
        assertThat(flaky.attempts()).isEqualTo(3);
    }

    @Test
    void checkedExceptionPassesThrough() {
        assertThatThrownBy(() -> flaky.plain()).isInstanceOf(IOException.class).hasMessage("boom");
    }

    @Configuration
    @EnableAutoConfiguration
    static class Config {
        @Bean
        Flaky flaky() {
            return new Flaky();
        }
    }

    static class Flaky {
        private final AtomicInteger attempts = new AtomicInteger();

        public int attempts() {
            return attempts.get();
        }

        @Retry
        @Fallback(method = "recover")
        public String call(String in) throws IOException {
            attempts.incrementAndGet();
            throw new IOException("down");
        }

        @Retry
        public String plain() throws IOException {
            throw new IOException("boom");
        }

        private String recover(String in, IOException e) {
            return "fallback " + in + " after " + e.getClass().getSimpleName();
        }
    }
}

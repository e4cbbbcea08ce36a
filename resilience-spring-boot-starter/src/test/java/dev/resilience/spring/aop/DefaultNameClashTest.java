package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * Methods of two classes with the same simple name and method name would share instances through their
 * default name {@code SimpleClassName.methodName}: that stops start-up. Explicit equal names, overloads and
 * one class behind several beans share on purpose.
 */
class DefaultNameClashTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void equalDefaultNamesOfTwoClassesStopStartUp() {
        runner.withBean(First.Client.class).withBean(Second.Client.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(DefaultNameClashException.class)
                    .hasMessage("@Retry @CircuitBreaker on " + First.Client.class.getName() + ".fetch(String, int[]) "
                            + "and on " + Second.Client.class.getName() + ".fetch(String) would share instances: "
                            + "both default to the instance name 'Client.fetch'. Give at least one of them an "
                            + "explicit name, e.g. @Retry(name = \"...\").");
        });
    }

    @Test
    void onlyTheAnnotationsBothLeaveUnnamedAreNamedInTheMessage() {
        runner.withBean(Second.Client.class).withBean(Third.Client.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(DefaultNameClashException.class)
                    .hasMessage("@CircuitBreaker on " + Second.Client.class.getName() + ".fetch(String) and on "
                            + Third.Client.class.getName() + ".fetch(String) would share instances: both default "
                            + "to the instance name 'Client.fetch'. Give at least one of them an explicit name, "
                            + "e.g. @CircuitBreaker(name = \"...\").");
        });
    }

    @Test
    void failureAnalysisRepeatsTheClashAndSaysHowToNameOrShareOnPurpose() {
        runner.withBean(First.Client.class).withBean(Second.Client.class).run(context -> {
            FailureAnalysis analysis = new DefaultNameClashFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).isEqualTo(context.getStartupFailure().getCause().getMessage());
            assertThat(analysis.getAction()).isEqualTo("Name the instances on at least one of the methods, e.g. "
                    + "@CircuitBreaker(name = \"inventory\"), and configure them under that name. To share the "
                    + "instances on purpose, give both methods the same explicit name instead of 'Client.fetch'.");
        });
    }

    @Test
    void failureAnalyzerIsRegistered() throws Exception {
        boolean registered = false;
        for (URL factories : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
            try (InputStream in = factories.openStream()) {
                registered |= new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .contains(DefaultNameClashFailureAnalyzer.class.getName());
            }
        }
        assertThat(registered).isTrue();
    }

    @Test
    void unnamedRateLimitersOfTwoClassesClashToo() {
        runner.withBean(Fifth.Client.class).withBean(Sixth.Client.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(DefaultNameClashException.class)
                    .hasMessage("@RateLimiter on " + Fifth.Client.class.getName() + ".fetch(String) and on "
                            + Sixth.Client.class.getName() + ".fetch(String) would share instances: both default "
                            + "to the instance name 'Client.fetch'. Give at least one of them an explicit name, "
                            + "e.g. @RateLimiter(name = \"...\").");
        });
    }

    @Test
    void equalExplicitNamesShareOnPurpose() {
        runner.withBean(First.Named.class).withBean(Second.Named.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CircuitBreakerRegistry.class).names()).containsExactly("inventory");
        });
    }

    @Test
    void defaultNamesOfDifferentPolicyKindsDoNotClash() {
        // A retry and a breaker called Client.fetch are two instances: nothing is shared.
        runner.withBean(Third.Client.class).withBean(Fourth.Client.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(CircuitBreakerRegistry.class).names()).containsExactly("Client.fetch");
            assertThat(context.getBean(RetryRegistry.class).names()).containsExactly("Client.fetch");
        });
    }

    @Test
    void fallbacksAloneDoNotClash() {
        runner.withBean(First.OnlyFallback.class).withBean(Second.OnlyFallback.class)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void overloadsOfOneMethodShareTheDefaultName() {
        runner.withBean(Overloaded.class).run(context -> {
            assertThat(context).hasNotFailed();
            Overloaded overloaded = context.getBean(Overloaded.class);
            assertThat(overloaded.fetch("a")).isEqualTo("a");
            assertThat(overloaded.fetch("b", 2)).isEqualTo("b2");
            CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
            assertThat(breakers.names()).containsExactly("Overloaded.fetch");
            assertThat(breakers.instance("Overloaded.fetch").snapshot().bufferedCalls()).isEqualTo(2);
        });
    }

    @Test
    void oneClassBehindTwoBeansIsOneMethod() {
        runner.withBean("primaryClient", First.Client.class).withBean("backupClient", First.Client.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(CircuitBreakerRegistry.class).names()).containsExactly("Client.fetch");
                });
    }

    static class First {

        static class Client {
            @Retry
            @CircuitBreaker
            @Timeout(name = "slow")
            public String fetch(String id, int... parts) {
                return id;
            }
        }

        static class Named {
            @CircuitBreaker(name = "inventory")
            public String fetch(String id) {
                return id;
            }
        }

        static class OnlyFallback {
            @Fallback(method = "recover")
            public String fetch() {
                return "";
            }

            String recover() {
                return "";
            }
        }
    }

    static class Second {

        static class Client {
            @Retry
            @CircuitBreaker
            @Bulkhead
            public String fetch(String id) {
                return id;
            }
        }

        static class Named {
            @CircuitBreaker(name = "inventory")
            public String fetch(String id) {
                return id;
            }
        }

        static class OnlyFallback {
            @Fallback(method = "recover")
            public String fetch() {
                return "";
            }

            String recover() {
                return "";
            }
        }
    }

    static class Third {

        @CircuitBreaker
        static class Client {
            public String fetch(String id) {
                return id;
            }
        }
    }

    static class Fourth {

        static class Client {
            @Retry
            public String fetch(String id) {
                return id;
            }
        }
    }

    static class Fifth {

        static class Client {
            @RateLimiter(key = "#id")
            public String fetch(String id) {
                return id;
            }
        }
    }

    static class Sixth {

        @RateLimiter
        static class Client {
            public String fetch(String id) {
                return id;
            }
        }
    }

    static class Overloaded {
        @CircuitBreaker
        public String fetch(String id) {
            return id;
        }

        @CircuitBreaker
        public String fetch(String id, int part) {
            return id + part;
        }
    }
}

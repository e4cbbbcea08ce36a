package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryBudgetExhaustedException;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.RetryBudgets;
import dev.resilience.test.ManualClock;

/**
 * Annotated methods whose retries share a budget: once retries reach their share of first attempts, a failure
 * is not retried, and the caller (or the fallback) gets the real failure, with the budget's refusal attached.
 */
class RetryBudgetMethodsTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues(
                    "resilience.retry.configs.default.wait-duration=0ms",
                    "resilience.retry.configs.default.max-attempts=3",
                    "resilience.retry.budgets.spent.max-retry-ratio=0",
                    "resilience.retry.budgets.spent.min-retries-per-second=0",
                    "resilience.retry.budgets.half.max-retry-ratio=0.5",
                    "resilience.retry.budgets.half.min-retries-per-second=0",
                    "resilience.retry.budgets.half.window=10s",
                    "resilience.retry.instances.no-retries-left.budget=spent",
                    "resilience.retry.instances.orders.budget=half",
                    "resilience.retry.instances.stock.budget=half");

    @Test
    void aSpentBudgetStopsTheRetryAndTheCallerGetsTheRealFailure() {
        runner.run(context -> {
            Downstream downstream = context.getBean(Downstream.class);
            IOException failure = catchThrowableOfType(IOException.class, downstream::noRetriesLeft);
            assertThat(failure).hasMessage("attempt 1 failed");
            assertThat(failure.getSuppressed()).singleElement().isInstanceOfSatisfying(
                    RetryBudgetExhaustedException.class, exhausted -> {
                        assertThat(exhausted.budgetName()).isEqualTo("spent");
                        assertThat(exhausted).hasMessage("retry budget 'spent' is spent: retries are at their share "
                                + "of 0% of first attempts");
                    });
            assertThat(downstream.calls("noRetriesLeft")).as("not retried").isEqualTo(1);
            RetryBudget spent = context.getBean(RetryBudgets.class).find("spent").orElseThrow();
            assertThat(spent.rejectedRetries()).isEqualTo(1);
            assertThat(context.getBean(RetryRegistry.class).instance("no-retries-left").failedWithoutRetry())
                    .isEqualTo(1);
        });
    }

    @Test
    void retriesOfEveryMethodSharingABudgetCountTogether() {
        runner.run(context -> {
            Downstream downstream = context.getBean(Downstream.class);
            RetryBudget half = context.getBean(RetryBudgets.class).find("half").orElseThrow();
            assertThat(downstream.stock()).isEqualTo("in stock");
            assertThat(downstream.stock()).isEqualTo("in stock");

            // Third first attempt: 1 retry of 3 first attempts is within 50%; a second one (2 of 3) is not.
            IOException failure = catchThrowableOfType(IOException.class, downstream::orders);
            assertThat(failure).hasMessage("attempt 2 failed");
            assertThat(failure.getSuppressed()).singleElement().isInstanceOf(RetryBudgetExhaustedException.class);
            assertThat(downstream.calls("orders")).isEqualTo(2);
            assertThat(half.rejectedRetries()).isEqualTo(1);
            assertThat(half.ratio()).isEqualTo(1.0 / 3);

            // The window moves on: its first attempts and retries no longer count.
            context.getBean(ManualClock.class).advance(Duration.ofSeconds(11));
            assertThat(half.ratio()).isZero();
        });
    }

    @Test
    void aFallbackStillMatchesTheRealFailure() {
        runner.run(context -> {
            Downstream downstream = context.getBean(Downstream.class);
            assertThat(downstream.withFallback()).isEqualTo("fallback for IOException with 1 suppressed");
            assertThat(downstream.calls("withFallback")).isEqualTo(1);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {
        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        Downstream downstream() {
            return new Downstream();
        }
    }

    static class Downstream {
        private final CallCounter counter = new CallCounter();

        public int calls(String method) {
            return counter.get(method);
        }

        @Retry(name = "no-retries-left")
        public String noRetriesLeft() throws IOException {
            throw new IOException("attempt " + counter.increment("noRetriesLeft") + " failed");
        }

        @Retry(name = "stock")
        public String stock() {
            return "in stock";
        }

        @Retry(name = "orders")
        public String orders() throws IOException {
            throw new IOException("attempt " + counter.increment("orders") + " failed");
        }

        @Retry(name = "no-retries-left")
        @Fallback(method = "recover")
        public String withFallback() throws IOException {
            throw new IOException("attempt " + counter.increment("withFallback") + " failed");
        }

        String recover(IOException failure) {
            return "fallback for " + failure.getClass().getSimpleName() + " with " + failure.getSuppressed().length
                    + " suppressed";
        }
    }
}

package dev.resilience.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;

import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.test.ManualClock;

/**
 * {@code resilience.retry.budgets.*} and a retry's {@code budget}: one budget object per name, shared by every
 * retry naming it, inherited like the other retry settings, validated at start-up naming the property.
 */
class RetryBudgetPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withBean(ManualClock.class, ManualClock::new);

    @Test
    void aBudgetHasTheDefaultsUnlessSetAndEveryRetryNamingItSharesIt() {
        runner.withPropertyValues("resilience.retry.budgets.downstream.max-retry-ratio=0.1",
                "resilience.retry.budgets.downstream.window=30s",
                "resilience.retry.budgets.relaxed.min-retries-per-second=2.5",
                "resilience.retry.instances.orders.budget=downstream",
                "resilience.retry.instances.stock.budget=downstream",
                "resilience.retry.instances.prices.budget=relaxed",
                "resilience.retry.instances.free.max-attempts=2").run(context -> {
                    RetryBudgets budgets = context.getBean(RetryBudgets.class);
                    assertThat(budgets.names()).containsExactly("downstream", "relaxed");
                    RetryBudget downstream = budgets.find("downstream").orElseThrow();
                    assertThat(downstream.config().maxRetryRatio()).isEqualTo(0.1);
                    assertThat(downstream.config().window()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(downstream.config().minRetriesPerSecond()).isEqualTo(10);
                    RetryBudget relaxed = budgets.find("relaxed").orElseThrow();
                    assertThat(relaxed.config().maxRetryRatio()).isEqualTo(0.2);
                    assertThat(relaxed.config().window()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(relaxed.config().minRetriesPerSecond()).isEqualTo(2.5);

                    RetryRegistry retries = context.getBean(RetryRegistry.class);
                    assertThat(retries.instance("orders").budget()).isSameAs(downstream);
                    assertThat(retries.instance("stock").budget()).isSameAs(downstream);
                    assertThat(retries.instance("prices").budget()).isSameAs(relaxed);
                    assertThat(retries.instance("free").budget()).isNull();
                });
    }

    @Test
    void aBudgetIsInheritedFromTheBaseConfigAndAnEmptyOneLeavesIt() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.max-retry-ratio=0.3",
                "resilience.retry.configs.default.budget=fleet",
                "resilience.retry.configs.backend.max-attempts=5",
                "resilience.retry.instances.orders.base-config=backend",
                "resilience.retry.instances.unbudgeted.budget=").run(context -> {
                    RetryRegistry retries = context.getBean(RetryRegistry.class);
                    RetryBudget fleet = context.getBean(RetryBudgets.class).find("fleet").orElseThrow();
                    assertThat(retries.instance("orders").budget()).isSameAs(fleet);
                    assertThat(retries.instance("orders").config().maxAttempts()).isEqualTo(5);
                    assertThat(retries.instance("annotated-later").budget()).isSameAs(fleet);
                    assertThat(retries.instance("unbudgeted").budget()).isNull();
                });
    }

    @Test
    void anUnknownBudgetStopsStartUpListingTheKnownOnes() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.window=5s",
                "resilience.retry.budgets.edge.window=5s",
                "resilience.retry.instances.orders.budget=flet")
                .run(failsWith("resilience.retry.instances.orders.budget names budget 'flet', which is not "
                        + "defined; known budgets: edge, fleet"));
    }

    @Test
    void anUnknownBudgetWithNoneDefinedSaysWhereToDefineIt() {
        runner.withPropertyValues("resilience.retry.configs.shared.budget=fleet")
                .run(failsWith("resilience.retry.configs.shared.budget names budget 'fleet', which is not defined; "
                        + "define it under resilience.retry.budgets.fleet"));
    }

    @Test
    void aNegativeRatioStopsStartUp() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.max-retry-ratio=-0.5")
                .run(failsWith("resilience.retry.budgets.fleet.max-retry-ratio must be a ratio of at least 0 (0.2: "
                        + "retries at most 20% of first attempts), but was -0.5"));
    }

    @Test
    void aWindowBelowTenMillisecondsStopsStartUp() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.window=5ms")
                .run(failsWith("resilience.retry.budgets.fleet.window must be at least 10ms, but was PT0.005S"));
    }

    @Test
    void aNegativeMinimumStopsStartUp() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.min-retries-per-second=-1")
                .run(failsWith("resilience.retry.budgets.fleet.min-retries-per-second must be at least 0, "
                        + "but was -1"));
    }

    @Test
    void aMisspelledBudgetKeyStopsStartUp() {
        runner.withPropertyValues("resilience.retry.budgets.fleet.max-ratio=0.5").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("resilience.retry.budgets.fleet.max-ratio");
        });
    }

    private static ContextConsumer<AssertableApplicationContext> failsWith(String message) {
        return context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidResilienceConfigException.class)
                    .hasMessage(message);
        };
    }
}

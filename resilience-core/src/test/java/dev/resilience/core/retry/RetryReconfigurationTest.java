package dev.resilience.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

/** {@link Retry#reconfigure} and {@link RetryBudget#reconfigure}: the next execution uses the new settings. */
class RetryReconfigurationTest {

    private final ManualClock clock = new ManualClock();

    private Retry retry(int maxAttempts) {
        return Retry.of("backend", RetryConfig.builder().maxAttempts(maxAttempts).waitDuration(Duration.ZERO).build(),
                clock);
    }

    @Test
    void nextExecutionUsesTheNewMaxAttemptsAndCountersAreKept() {
        Retry retry = retry(2);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> pipeline.execute(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        assertThat(attempts).hasValue(2);

        retry.reconfigure(RetryConfig.from(retry.config()).maxAttempts(5).build());

        attempts.set(0);
        assertThatThrownBy(() -> pipeline.execute(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        assertThat(attempts).hasValue(5);
        assertThat(retry.failedWithRetry()).isEqualTo(2);
        assertThat(retry.config().maxAttempts()).isEqualTo(5);
    }

    @Test
    void executionUnderWayKeepsTheSettingsItStartedWith() throws Throwable {
        Retry retry = retry(3);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> pipeline.execute(() -> {
            if (attempts.incrementAndGet() == 1) {
                retry.reconfigure(RetryConfig.from(retry.config()).maxAttempts(1).build());
            }
            throw new IOException("down");
        })).isInstanceOf(IOException.class);

        assertThat(attempts).hasValue(3);
    }

    @Test
    void asyncExecutionsUseTheNewSettingsToo() {
        Retry retry = retry(1);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).asyncExecutor(Runnable::run).build();
        retry.reconfigure(RetryConfig.from(retry.config()).maxAttempts(4).build());
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<Object> outcome = pipeline.executeAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("down"));
        });
        clock.advance(Duration.ZERO);

        assertThat(outcome).isCompletedExceptionally();
        assertThat(attempts).hasValue(4);
    }

    @Test
    void changePublishesAnEvent() {
        Retry retry = retry(2);
        List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
        retry.events().onEvent(events::add);

        retry.reconfigure(RetryConfig.from(retry.config()).maxAttempts(4).build());

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(EventType.RETRY_CONFIG_CHANGED);
            assertThat(event.detail()).contains("maxAttempts=4");
        });
    }

    @Test
    void newBudgetIsTakenFromByTheNextExecutions() throws Throwable {
        Retry retry = retry(3);
        RetryBudget budget = RetryBudget.of("shared", RetryBudgetConfig.builder().maxRetryRatio(0.1)
                .minRetriesPerSecond(0).build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).build();

        retry.reconfigure(RetryConfig.from(retry.config()).budget(budget).build());

        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> pipeline.execute(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        assertThat(attempts).hasValue(1); // 1 retry for 1 first attempt is more than 10 %
        assertThat(retry.budget()).isSameAs(budget);
        assertThat(budget.rejectedRetries()).isEqualTo(1);
    }

    @Test
    void budgetRatioAppliesAtOnceToTheCountsItHolds() {
        RetryBudget budget = RetryBudget.of("shared", RetryBudgetConfig.builder().maxRetryRatio(0.2)
                .minRetriesPerSecond(0).window(Duration.ofSeconds(10)).build(), clock);
        for (int i = 0; i < 10; i++) {
            budget.recordFirstAttempt();
        }
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();

        budget.reconfigure(RetryBudgetConfig.builder().maxRetryRatio(0.3).minRetriesPerSecond(0)
                .window(Duration.ofSeconds(10)).build());

        assertThat(budget.ratio()).isEqualTo(0.2); // the counts are kept
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();
        assertThat(budget.rejectedRetries()).isEqualTo(2);
    }

    @Test
    void newBudgetWindowStartsEmpty() {
        RetryBudget budget = RetryBudget.of("shared", RetryBudgetConfig.builder().maxRetryRatio(0.5)
                .minRetriesPerSecond(0).window(Duration.ofSeconds(10)).build(), clock);
        budget.recordFirstAttempt();
        budget.recordFirstAttempt();
        assertThat(budget.tryRetry()).isTrue();
        assertThat(budget.tryRetry()).isFalse();

        budget.reconfigure(RetryBudgetConfig.builder().maxRetryRatio(0.5).minRetriesPerSecond(0)
                .window(Duration.ofSeconds(20)).build());

        assertThat(budget.ratio()).isZero();
        assertThat(budget.tryRetry()).isFalse(); // no first attempt in the new window yet
        assertThat(budget.rejectedRetries()).isEqualTo(2);
        assertThat(budget.config().window()).isEqualTo(Duration.ofSeconds(20));
    }
}

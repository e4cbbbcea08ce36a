package dev.resilience.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.InvalidConfigException;
import dev.resilience.core.event.EventType;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

/** A retry budget bounds retries as a share of first attempts, shared by every retry that names it. */
class RetryBudgetTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger downstreamAttempts = new AtomicInteger();

    private String failingDownstream() throws IOException {
        downstreamAttempts.incrementAndGet();
        throw new IOException("downstream is down");
    }

    private static RetryBudget budget(ManualClock clock, double ratio, double minPerSecond) {
        return RetryBudget.of("downstream", RetryBudgetConfig.builder().maxRetryRatio(ratio)
                .window(Duration.ofSeconds(10)).minRetriesPerSecond(minPerSecond).build(), clock);
    }

    private ResiliencePipeline pipeline(String name, RetryBudget budget) {
        Retry retry = Retry.of(name, RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).budget(budget)
                .build(), clock);
        return ResiliencePipeline.builder().retry(retry).clock(clock).build();
    }

    /**
     * 50 callers call every 100 ms for 10 s of clock time into a downstream that always fails: with a 20% budget,
     * downstream attempts stay within 1.2 × first attempts plus the floor; without one, every call is tried 3 times.
     */
    private int simulate(RetryBudget budget) {
        List<ResiliencePipeline> callers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            callers.add(pipeline("caller-" + i, budget));
        }
        int firstAttempts = 0;
        for (int tick = 0; tick < 100; tick++) {
            for (ResiliencePipeline caller : callers) {
                firstAttempts++;
                assertThatThrownBy(() -> caller.execute(this::failingDownstream)).isInstanceOf(IOException.class);
            }
            clock.advance(Duration.ofMillis(100));
        }
        return firstAttempts;
    }

    @Test
    void aSharedBudgetKeepsDownstreamAttemptsNearItsRatioOfFirstAttempts() {
        RetryBudget budget = budget(clock, 0.2, 10);

        int firstAttempts = simulate(budget);

        int floor = 10 * 10; // min-retries-per-second over the 10 s window
        assertThat(downstreamAttempts.get()).as("attempts against %d first attempts", firstAttempts)
                .isLessThanOrEqualTo((int) (1.2 * firstAttempts) + floor)
                .isGreaterThan(firstAttempts); // the budget did allow some retries
        assertThat(budget.rejectedRetries()).isPositive();
        assertThat(budget.ratio()).isLessThanOrEqualTo(0.2 + (double) floor / 2500);
    }

    @Test
    void withoutABudgetEveryCallIsTriedThreeTimes() {
        int firstAttempts = simulate(null);

        assertThat(downstreamAttempts.get()).isEqualTo(3 * firstAttempts);
    }

    @Test
    void aSpentBudgetLeavesTheRealFailureWithASuppressedExhaustedException() {
        RetryBudget budget = budget(clock, 0.0, 0);
        ResiliencePipeline pipeline = pipeline("retry", budget);
        List<EventType> events = new ArrayList<>();
        pipeline.retry().events().onEvent(event -> events.add(event.type()));

        assertThatThrownBy(() -> pipeline.execute(this::failingDownstream))
                .isInstanceOf(IOException.class).hasMessage("downstream is down")
                .satisfies(failure -> assertThat(failure.getSuppressed()).singleElement()
                        .isInstanceOfSatisfying(RetryBudgetExhaustedException.class,
                                exhausted -> assertThat(exhausted.budgetName()).isEqualTo("downstream")));
        assertThat(downstreamAttempts).as("not retried").hasValue(1);
        assertThat(events).contains(EventType.RETRY_BUDGET_EXHAUSTED);
        assertThat(budget.rejectedRetries()).isEqualTo(1);
    }

    @Test
    void theFloorAllowsAQuietServiceToRetry() {
        RetryBudget budget = budget(clock, 0.0, 1); // ratio 0, but 10 retries per 10 s window
        ResiliencePipeline pipeline = pipeline("retry", budget);

        assertThatThrownBy(() -> pipeline.execute(this::failingDownstream)).isInstanceOf(IOException.class);

        assertThat(downstreamAttempts).as("1 + 2 retries from the floor").hasValue(3);
    }

    @Test
    void retriesFromTheWindowAgeOut() {
        RetryBudget budget = budget(clock, 0.0, 0.1); // one retry per 10 s window
        ResiliencePipeline pipeline = pipeline("retry", budget);
        assertThatThrownBy(() -> pipeline.execute(this::failingDownstream)).isInstanceOf(IOException.class);
        assertThat(downstreamAttempts).hasValue(2);

        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> pipeline.execute(this::failingDownstream)).isInstanceOf(IOException.class);

        assertThat(downstreamAttempts).as("the old retry left the window").hasValue(4);
    }

    @Test
    void asynchronousRetriesTakeFromTheBudgetToo() {
        RetryBudget budget = budget(clock, 0.0, 0);
        Retry retry = Retry.of("async", RetryConfig.builder().maxAttempts(3).waitDuration(Duration.ZERO).budget(budget)
                .build(), clock);
        ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(retry).asyncExecutor(Runnable::run)
                .clock(clock).build();

        CompletableFuture<String> result = pipeline.executeAsync(() -> {
            downstreamAttempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("down"));
        });

        assertThat(result).isCompletedExceptionally();
        assertThat(downstreamAttempts).hasValue(1);
        assertThat(budget.rejectedRetries()).isEqualTo(1);
    }

    @Test
    void invalidSettingsNameTheSetting() {
        assertThatThrownBy(() -> RetryBudgetConfig.builder().maxRetryRatio(-0.1).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("maxRetryRatio");
        assertThatThrownBy(() -> RetryBudgetConfig.builder().window(Duration.ZERO).build())
                .hasMessageContaining("window");
        assertThatThrownBy(() -> RetryBudgetConfig.builder().minRetriesPerSecond(-1).build())
                .hasMessageContaining("minRetriesPerSecond");
    }
}

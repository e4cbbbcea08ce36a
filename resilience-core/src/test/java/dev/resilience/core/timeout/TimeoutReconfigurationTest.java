package dev.resilience.core.timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.test.ManualClock;

/** {@link Timeout#reconfigure}: the next call gets the new limit; a call under way keeps its deadline. */
class TimeoutReconfigurationTest {

    private final ManualClock clock = new ManualClock();
    private final Timeout timeout = Timeout.of("inventory", TimeoutConfig.of(Duration.ofSeconds(1)), clock);

    @AfterEach
    void noInterruptLeftOnTheTestThread() {
        assertThat(Thread.interrupted()).as("interrupt left on the test thread").isFalse();
    }

    @Test
    void callUnderWayKeepsItsDeadlineAndTheNextCallGetsTheNewLimit() {
        Timeout.TimedCall first = timeout.start();

        timeout.reconfigure(TimeoutConfig.of(Duration.ofSeconds(5)));

        Timeout.TimedCall second = timeout.start();
        clock.advance(Duration.ofSeconds(1)); // the first call's deadline: its timer interrupts this thread
        TimeoutExceededException late = catchThrowableOfType(TimeoutExceededException.class,
                () -> timeout.succeeded(first, "late"));
        assertThat(late.getMessage()).endsWith("within 1000ms");
        clock.advance(Duration.ofSeconds(3));
        assertThat(timeout.succeeded(second, "in time")).isEqualTo("in time"); // 4 s of its 5
        assertThat(timeout.timedOutCalls()).isEqualTo(1);
        assertThat(timeout.successfulCalls()).isEqualTo(1);
    }

    @Test
    void asyncCallsGetTheNewLimit() {
        ResiliencePipeline pipeline = ResiliencePipeline.builder().timeout(timeout).asyncExecutor(Runnable::run)
                .build();
        timeout.reconfigure(TimeoutConfig.of(Duration.ofMillis(200)));

        CompletableFuture<Object> call = pipeline.executeAsync(CompletableFuture::new);
        clock.advance(Duration.ofMillis(199));
        assertThat(call).isNotDone();
        clock.advance(Duration.ofMillis(1));

        assertThat(call).isCompletedExceptionally();
        assertThat(timeout.timedOutCalls()).isEqualTo(1);
    }

    @Test
    void changePublishesAnEvent() {
        List<ResilienceEvent> events = new CopyOnWriteArrayList<>();
        timeout.events().onEvent(events::add);

        timeout.reconfigure(TimeoutConfig.of(Duration.ofSeconds(3)));

        assertThat(timeout.config().duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(events).singleElement().satisfies(event ->
                assertThat(event.type()).isEqualTo(EventType.TIMEOUT_CONFIG_CHANGED));
    }
}

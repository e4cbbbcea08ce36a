package dev.resilience.test;

import dev.resilience.core.spi.Cancellable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    private final ManualClock clock = new ManualClock();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void startsAtZeroMonotonicTimeAndTheDocumentedWallTime() {
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(clock.currentTimeMillis()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void startsAtAGivenWallTime() {
        ManualClock custom = new ManualClock(Instant.parse("2030-06-15T12:00:00Z"));

        assertThat(custom.instant()).isEqualTo(Instant.parse("2030-06-15T12:00:00Z"));
        assertThat(custom.nanoTime()).isZero();
    }

    @Test
    void advanceMovesMonotonicAndWallTimeTogether() {
        clock.advance(Duration.ofMillis(1500));
        clock.advance(250_000_000L);

        assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(1750).toNanos());
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:01.750Z"));
    }

    @Test
    void cannotMoveBackwards() {
        assertThatIllegalArgumentException().isThrownBy(() -> clock.advance(-5))
                .withMessage("cannot move a clock backwards: -5ns");
        assertThat(clock.nanoTime()).isZero();
    }

    @Test
    void scheduledTaskRunsOnlyOnceItsTimeHasCome() {
        List<String> ran = new ArrayList<>();
        clock.schedule(() -> ran.add("task"), Duration.ofSeconds(1).toNanos());

        clock.advance(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        assertThat(clock.pendingTasks()).isEqualTo(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("task");
        assertThat(clock.pendingTasks()).isZero();

        clock.advance(Duration.ofSeconds(10));
        assertThat(ran).containsExactly("task");
    }

    @Test
    void tasksRunInDueOrderThenSchedulingOrderAtTheirDueTime() {
        List<String> ran = new ArrayList<>();
        clock.schedule(() -> ran.add("c@300 " + clock.nanoTime()), 300);
        clock.schedule(() -> ran.add("a@100 " + clock.nanoTime()), 100);
        clock.schedule(() -> ran.add("b@300 " + clock.nanoTime()), 300);
        clock.schedule(() -> ran.add("d@200 " + clock.nanoTime()), 200);

        clock.advance(1000);

        assertThat(ran).containsExactly("a@100 100", "d@200 200", "c@300 300", "b@300 300");
        assertThat(clock.nanoTime()).isEqualTo(1000);
    }

    @Test
    void taskScheduledByATaskRunsInTheSameAdvanceWhenItFallsDue() {
        List<Long> ran = new ArrayList<>();
        clock.schedule(() -> {
            ran.add(clock.nanoTime());
            clock.schedule(() -> ran.add(clock.nanoTime()), 400);
            clock.schedule(() -> ran.add(clock.nanoTime()), 10_000);
        }, 500);

        clock.advance(1000);

        assertThat(ran).containsExactly(500L, 900L);
        assertThat(clock.pendingTasks()).isEqualTo(1);
    }

    @Test
    void zeroOrNegativeDelayRunsOnTheNextAdvance() {
        List<String> ran = new ArrayList<>();
        clock.schedule(() -> ran.add("now"), 0);
        clock.schedule(() -> ran.add("past"), -50);
        assertThat(ran).isEmpty();

        clock.advance(0);

        assertThat(ran).containsExactly("now", "past");
    }

    @Test
    void cancelledTaskNeverRuns() {
        List<String> ran = new ArrayList<>();
        Cancellable task = clock.schedule(() -> ran.add("cancelled"), 100);

        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
        assertThat(clock.pendingTasks()).isZero();
        clock.advance(1000);

        assertThat(ran).isEmpty();
    }

    @Test
    void cancellingATaskThatRanReportsFalse() {
        Cancellable task = clock.schedule(() -> { }, 100);
        clock.advance(100);

        assertThat(task.cancel()).isFalse();
    }

    @Test
    void sleepAdvancesTheClockAndRecordsTheTimeSlept() throws InterruptedException {
        List<Long> ran = new ArrayList<>();
        clock.schedule(() -> ran.add(clock.nanoTime()), Duration.ofMillis(300).toNanos());

        clock.sleep(Duration.ofMillis(500).toNanos());
        clock.advance(Duration.ofMillis(100));
        clock.sleep(Duration.ofMillis(250).toNanos());

        assertThat(clock.slept()).isEqualTo(Duration.ofMillis(750));
        assertThat(clock.nanoTime()).isEqualTo(Duration.ofMillis(850).toNanos());
        assertThat(ran).containsExactly(Duration.ofMillis(300).toNanos());
    }

    @Test
    void sleepOnAnInterruptedThreadThrowsClearsTheFlagAndDoesNotMoveTime() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> clock.sleep(1000)).isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted while waiting before the next attempt");

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.slept()).isEqualTo(Duration.ZERO);
    }

    @Test
    void negativeSleepReturnsAtOnceLikeTheSystemClock() throws InterruptedException {
        clock.sleep(-1000);

        assertThat(clock.nanoTime()).isZero();
        assertThat(clock.slept()).isEqualTo(Duration.ZERO);
    }

    @Test
    void describesItselfWithItsWallTime() {
        clock.advance(Duration.ofSeconds(90));

        assertThat(clock).hasToString("ManualClock[2026-01-01T00:01:30Z]");
    }
}

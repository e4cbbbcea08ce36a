package dev.resilience.core.bulkhead;

import static org.assertj.core.api.Assertions.fail;

import java.util.concurrent.TimeUnit;

import dev.resilience.test.ManualClock;

/** Waits, without sleeping, for callers to be queued in a bulkhead. */
final class Waiting {

    private Waiting() {
    }

    /**
     * Returns once {@code waiters} callers are queued in {@code bulkhead} and each has its deadline scheduled
     * on {@code clock} (the only tasks on it): from then on, advancing the clock can reject them.
     */
    static void until(Bulkhead bulkhead, ManualClock clock, int waiters) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (bulkhead.waitingCalls() != waiters || clock.pendingTasks() != waiters) {
            if (System.nanoTime() - deadline > 0) {
                fail("expected %d callers waiting with their deadlines scheduled within 5s, but %d were waiting "
                        + "and %d deadlines scheduled", waiters, bulkhead.waitingCalls(), clock.pendingTasks());
            }
            Thread.yield();
        }
    }
}

package dev.resilience.core.circuitbreaker;

import java.util.concurrent.atomic.AtomicReference;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * The one task a state schedules on the breaker's clock when it is entered (OPEN's end of wait, HALF_OPEN's
 * time limit), cancelled when the state is left. The state may be left before its timer is even set (another
 * thread swaps it out between the CAS that entered it and {@link #start}); the late timer is then cancelled
 * at once. A task that fires anyway is harmless: it only moves the breaker away from the very state object
 * that scheduled it, and the CAS fails once that state is gone.
 */
final class StateTimer {

    private static final Cancellable STOPPED = () -> false;

    private final AtomicReference<Cancellable> scheduled = new AtomicReference<>();

    /** Runs {@code task} after {@code delayNanos}, unless {@link #stop()} comes first. */
    void start(Clock clock, Runnable task, long delayNanos) {
        Cancellable timer = clock.schedule(task, delayNanos);
        if (!scheduled.compareAndSet(null, timer)) {
            timer.cancel(); // the state was left while the timer was being set
        }
    }

    /** The state is left: cancel the task, and any task started from now on. */
    void stop() {
        Cancellable timer = scheduled.getAndSet(STOPPED);
        if (timer != null) {
            timer.cancel();
        }
    }
}

package dev.resilience.core.circuitbreaker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;
import dev.resilience.test.ManualClock;

/**
 * Time from a {@link ManualClock}, with a timer that misbehaves: what is scheduled is either held until the
 * test fires it (a timer thread running late), or scheduled on the manual clock with cancellation ignored
 * (a timer whose cancellation comes too late).
 */
final class LateTimerClock implements Clock {

    private final ManualClock time;
    private final boolean holdTasks;
    final List<HeldTask> held = new CopyOnWriteArrayList<>();
    final AtomicInteger cancellations = new AtomicInteger();

    private LateTimerClock(ManualClock time, boolean holdTasks) {
        this.time = time;
        this.holdTasks = holdTasks;
    }

    /** Tasks wait until {@link HeldTask#fire()}, whatever the time. */
    static LateTimerClock holdingTasks(ManualClock time) {
        return new LateTimerClock(time, true);
    }

    /** Tasks run when {@code time} is advanced to them, even when they were cancelled. */
    static LateTimerClock ignoringCancellation(ManualClock time) {
        return new LateTimerClock(time, false);
    }

    @Override
    public long nanoTime() {
        return time.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return time.currentTimeMillis();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        time.sleep(nanos);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (holdTasks) {
            HeldTask heldTask = new HeldTask(task);
            held.add(heldTask);
            return heldTask::cancel;
        }
        time.schedule(task, delayNanos);
        return () -> {
            cancellations.incrementAndGet();
            return true; // and yet the task runs
        };
    }

    /** Fires every held task that was neither fired nor cancelled yet. */
    void fireAll() {
        held.forEach(HeldTask::fire);
    }

    static final class HeldTask {
        private final Runnable task;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile boolean cancelled;

        HeldTask(Runnable task) {
            this.task = task;
        }

        boolean cancel() {
            cancelled = true;
            return done.compareAndSet(false, true);
        }

        boolean cancelled() {
            return cancelled;
        }

        /** Runs the task as a late timer would, unless it was cancelled or has run. */
        void fire() {
            if (done.compareAndSet(false, true)) {
                task.run();
            }
        }
    }
}

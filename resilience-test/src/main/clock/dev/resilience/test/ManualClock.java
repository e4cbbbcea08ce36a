package dev.resilience.test;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.Cancellable;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Clock} that only moves when told to, for tests: {@link #advance(Duration)} moves time forward and
 * runs, on the advancing thread, every scheduled task that has come due, in order. {@link #sleep(long)}
 * advances the clock by the requested time instead of blocking, so a synchronous retry with backoff finishes
 * at once while the clock shows the time it waited.
 */
public final class ManualClock implements Clock {

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private long nanos;
    private final long epochMillisAtZero;
    private long sequence;
    private long sleptNanos;

    /** Starts at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /** Starts at {@code start} (wall time); monotonic time starts at 0. */
    public ManualClock(Instant start) {
        this.epochMillisAtZero = start.toEpochMilli();
    }

    @Override
    public long nanoTime() {
        lock.lock();
        try {
            return nanos;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long currentTimeMillis() {
        return epochMillisAtZero + nanoTime() / 1_000_000;
    }

    /** The current wall time. */
    public Instant instant() {
        return Instant.ofEpochMilli(currentTimeMillis());
    }

    /**
     * Advances the clock by {@code nanos} without blocking, as if the caller had slept that long. Like the
     * system clock, returns at once for zero or a negative time.
     */
    @Override
    public void sleep(long nanos) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting before the next attempt");
        }
        if (nanos <= 0) {
            return;
        }
        lock.lock();
        try {
            sleptNanos += nanos;
        } finally {
            lock.unlock();
        }
        advance(nanos);
    }

    /** Total time passed in {@link #sleep(long)} so far. */
    public Duration slept() {
        lock.lock();
        try {
            return Duration.ofNanos(sleptNanos);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        lock.lock();
        try {
            long due = nanos + Math.max(0, delayNanos);
            // A delay of centuries must not wrap around into the past.
            Task scheduled = new Task(task, due < nanos ? Long.MAX_VALUE : due, sequence++);
            tasks.add(scheduled);
            return scheduled::cancel;
        } finally {
            lock.unlock();
        }
    }

    /** Moves time forward by {@code duration}, running each task as its due time is reached. */
    public void advance(Duration duration) {
        advance(duration.toNanos());
    }

    /** Moves time forward by {@code delta} nanoseconds, running each task as its due time is reached. */
    public void advance(long delta) {
        if (delta < 0) {
            throw new IllegalArgumentException("cannot move a clock backwards: " + delta + "ns");
        }
        long target;
        lock.lock();
        try {
            target = nanos + delta;
        } finally {
            lock.unlock();
        }
        while (true) {
            Task due;
            lock.lock();
            try {
                Task next = tasks.peek();
                if (next == null || next.dueNanos > target) {
                    nanos = Math.max(nanos, target);
                    return;
                }
                due = tasks.poll();
                nanos = Math.max(nanos, due.dueNanos);
            } finally {
                lock.unlock();
            }
            // Outside the lock: a task may schedule more tasks or read the clock.
            due.runIfNotCancelled();
        }
    }

    /** Number of tasks scheduled and neither run nor cancelled. */
    public int pendingTasks() {
        lock.lock();
        try {
            int live = 0;
            for (Task task : tasks) {
                if (!task.cancelled.get()) {
                    live++;
                }
            }
            return live;
        } finally {
            lock.unlock();
        }
    }

    private static final class Task implements Comparable<Task> {
        final Runnable runnable;
        final long dueNanos;
        final long order;
        final AtomicBoolean cancelled = new AtomicBoolean();

        Task(Runnable runnable, long dueNanos, long order) {
            this.runnable = runnable;
            this.dueNanos = dueNanos;
            this.order = order;
        }

        boolean cancel() {
            return cancelled.compareAndSet(false, true);
        }

        void runIfNotCancelled() {
            if (cancelled.compareAndSet(false, true)) {
                runnable.run();
            }
        }

        @Override
        public int compareTo(Task other) {
            int byTime = Long.compare(dueNanos, other.dueNanos);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + "]";
    }
}

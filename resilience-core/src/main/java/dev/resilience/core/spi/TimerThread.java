package dev.resilience.core.spi;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The system clock's timer: one daemon thread running tasks at their deadlines, in deadline order.
 *
 * <p>Made for timeouts, which are scheduled on every call and nearly always cancelled before they fire.
 * A scheduled task is one small object that is also its own {@link Cancellable}, and cancelling takes it
 * out of the queue at once (so a million cancelled one-minute timeouts do not sit in memory for a minute).
 * A {@code ScheduledThreadPoolExecutor} would cost every call two more objects (a {@code Runnable} adapter
 * and a {@code Future} wrapper) for features nobody here uses.
 *
 * <p>The queue is a binary heap under one lock; each task knows its index, so removal is O(log n). The
 * thread starts with the first task and then waits on a condition, woken only when a new task becomes the
 * earliest. An action that throws does not stop the thread; what it threw goes to the thread's uncaught
 * exception handler, and the timer goes on.
 */
final class TimerThread implements Runnable {

    private static final int NOT_QUEUED = -1;
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 1;

    private final String threadName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition earliestChanged = lock.newCondition();
    private Task[] heap = new Task[64];
    private int size;
    private Thread thread;
    /** Whether the thread is waiting; then, whether for any task, or until {@link #waitingUntil}. */
    private boolean waiting;
    private boolean waitingForAny;
    private long waitingUntil;

    TimerThread(String threadName) {
        this.threadName = threadName;
    }

    /** Runs {@code action} on the timer thread once {@code delayNanos} have passed, unless cancelled first. */
    Cancellable schedule(Runnable action, long delayNanos) {
        // Deadlines are compared by difference (nanoTime may wrap), so no two may be 2^63 ns apart: a delay
        // is capped at 2^62 ns, about 146 years, which is never in practice.
        long delay = Math.min(Math.max(0, delayNanos), MAX_DELAY_NANOS);
        Task task = new Task(action, System.nanoTime() + delay);
        lock.lock();
        try {
            if (thread == null) {
                start();
            }
            add(task);
            // Wake the thread only when it would sleep past the new task: for calls that each schedule and
            // cancel a later deadline, waking it every time costs more than the calls themselves.
            if (task.index == 0 && waiting && (waitingForAny || task.deadline - waitingUntil < 0)) {
                earliestChanged.signal();
            }
        } finally {
            lock.unlock();
        }
        return task;
    }

    private void start() {
        thread = new Thread(this, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Tasks waiting, for tests and diagnostics. */
    int pending() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        // Nothing may end this loop: with the thread gone, no timeout would ever fire again.
        while (true) {
            try {
                awaitNextDue().action.run();
            } catch (InterruptedException interrupted) {
                // nobody should interrupt the timer; it keeps serving the tasks it has
            } catch (Throwable failure) {
                report(failure);
            }
        }
    }

    private static void report(Throwable failure) {
        try {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, failure);
        } catch (Throwable ignored) {
            // a failing handler must not stop the timer either
        }
    }

    private Task awaitNextDue() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (size == 0) {
                    waiting = true;
                    waitingForAny = true;
                    try {
                        earliestChanged.await();
                    } finally {
                        waiting = false;
                        waitingForAny = false;
                    }
                    continue;
                }
                Task first = heap[0];
                long wait = first.deadline - System.nanoTime();
                if (wait <= 0) {
                    removeAt(0);
                    return first;
                }
                long sleep = Math.min(wait, TimeUnit.DAYS.toNanos(1));
                waiting = true;
                waitingUntil = System.nanoTime() + sleep;
                try {
                    earliestChanged.awaitNanos(sleep);
                } finally {
                    waiting = false;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the heap, always under the lock -----------------------------------------------------------------

    private void add(Task task) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, task);
    }

    private void removeAt(int index) {
        Task removed = heap[index];
        removed.index = NOT_QUEUED;
        Task last = heap[--size];
        heap[size] = null;
        if (index == size) {
            return;
        }
        siftDown(index, last);
        if (heap[index] == last) {
            siftUp(index, last);
        }
        if (size > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2); // a burst of timeouts should not pin its memory
        }
    }

    private void siftUp(int index, Task task) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            Task above = heap[parent];
            if (above.deadline - task.deadline <= 0) {
                break;
            }
            place(index, above);
            index = parent;
        }
        place(index, task);
    }

    private void siftDown(int index, Task task) {
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && heap[right].deadline - heap[child].deadline < 0) {
                child = right;
            }
            if (task.deadline - heap[child].deadline <= 0) {
                break;
            }
            place(index, heap[child]);
            index = child;
        }
        place(index, task);
    }

    private void place(int index, Task task) {
        heap[index] = task;
        task.index = index;
    }

    /** One scheduled action; cancelling it removes it from the queue. */
    final class Task implements Cancellable {

        final Runnable action;
        final long deadline;
        /** Where it is in the heap; {@link #NOT_QUEUED} once it has been taken to run or cancelled. */
        int index = NOT_QUEUED;

        Task(Runnable action, long deadline) {
            this.action = action;
            this.deadline = deadline;
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                if (index == NOT_QUEUED) {
                    return false;
                }
                removeAt(index);
                return true;
            } finally {
                lock.unlock();
            }
        }
    }
}

package dev.resilience.test;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * An executor that holds every submitted task until the test runs them, so the test decides when
 * asynchronous continuations (retries, timeout completions, granted bulkhead places) happen, and on which
 * thread: its own.
 */
public final class QueuedExecutor implements Executor {

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
    }

    /** Tasks submitted and not run yet. */
    public int pending() {
        return tasks.size();
    }

    /** Runs the tasks submitted so far and those they submit, in order; returns how many ran. */
    public int runAll() {
        int ran = 0;
        for (Runnable task; (task = tasks.poll()) != null; ran++) {
            task.run();
        }
        return ran;
    }
}

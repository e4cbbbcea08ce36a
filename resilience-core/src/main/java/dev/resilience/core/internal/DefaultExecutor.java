package dev.resilience.core.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where asynchronous continuations run when the user named no executor: daemon threads made on demand and
 * let go after a minute idle, never the common {@code ForkJoinPool} (whose few workers the application's
 * own parallel streams and futures need). The Spring starter passes the application's task executor instead.
 *
 * <p>Not API.
 */
public final class DefaultExecutor {

    private DefaultExecutor() {
    }

    /** The shared executor, created on first use. */
    public static Executor get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {

        static final Executor INSTANCE = create();

        private static Executor create() {
            AtomicInteger count = new AtomicInteger();
            ThreadPoolExecutor executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), task -> {
                        Thread thread = new Thread(task, "resilience-async-" + count.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
            return executor;
        }
    }
}

package dev.resilience.spring.autoconfigure;

import java.util.concurrent.Executor;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;

import dev.resilience.core.internal.DefaultExecutor;

/**
 * Where asynchronous methods' retries, timeout completions and granted bulkhead places continue: the
 * application's own executor. Looked up when first used, not when the pipelines are built, so no executor is
 * created while beans are still being post-processed:
 * <ol>
 * <li>a bean named {@value #BEAN_NAME} (any {@link Executor}), when the application defines one;</li>
 * <li>else Boot's {@code applicationTaskExecutor} (virtual threads with
 * {@code spring.threads.virtual.enabled=true}, else a thread pool tuned by {@code spring.task.execution.*});</li>
 * <li>else the core's default, a pool of daemon threads made on demand. Never the common {@code ForkJoinPool}.</li>
 * </ol>
 */
final class AsyncExecutorResolver implements Executor {

    /** The name of a bean that, when present, is the executor asynchronous methods continue on. */
    static final String BEAN_NAME = "resilienceAsyncExecutor";

    private final BeanFactory beans;
    private volatile Executor resolved;

    AsyncExecutorResolver(BeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public void execute(Runnable task) {
        Executor executor = resolved;
        if (executor == null) {
            executor = resolve();
            resolved = executor;
        }
        executor.execute(task);
    }

    private Executor resolve() {
        if (beans.containsBean(BEAN_NAME)) {
            return beans.getBean(BEAN_NAME, Executor.class);
        }
        String boots = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME;
        if (beans.containsBean(boots)) {
            return beans.getBean(boots, Executor.class);
        }
        return DefaultExecutor.get();
    }

    @Override
    public String toString() {
        return "AsyncExecutorResolver[" + (resolved != null ? resolved : "not resolved yet") + "]";
    }
}

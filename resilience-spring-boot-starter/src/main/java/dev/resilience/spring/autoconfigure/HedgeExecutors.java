package dev.resilience.spring.autoconfigure;

import java.util.concurrent.Executor;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.core.task.AsyncTaskExecutor;

/**
 * Where the extra attempts of synchronous {@code @Hedge} methods run: the application's executor, never the
 * common {@code ForkJoinPool} nor a pool of our own. Looked up at first use (no executor is created while beans
 * are post-processed):
 * <ol>
 * <li>a bean named {@code resilienceAsyncExecutor} (any {@link Executor});</li>
 * <li>else Boot's {@code applicationTaskExecutor} (virtual threads with {@code spring.threads.virtual.enabled});</li>
 * <li>else the application's only {@link AsyncTaskExecutor} bean.</li>
 * </ol>
 * Without any, {@link #available()} is false and a synchronous {@code @Hedge} method fails the start-up.
 */
final class HedgeExecutors implements Executor {

    private final BeanFactory beans;
    private volatile Executor resolved;

    HedgeExecutors(BeanFactory beans) {
        this.beans = beans;
    }

    /** Whether an executor is there, judged from bean definitions, without creating any bean. */
    boolean available() {
        return beanName() != null;
    }

    @Override
    public void execute(Runnable task) {
        Executor executor = resolved;
        if (executor == null) {
            String name = beanName();
            if (name == null) {
                throw new IllegalStateException("no executor for the extra attempts of hedged calls: define a bean "
                        + "named 'resilienceAsyncExecutor' or an AsyncTaskExecutor");
            }
            executor = beans.getBean(name, Executor.class);
            resolved = executor;
        }
        executor.execute(task);
    }

    private String beanName() {
        if (beans.containsBean(AsyncExecutorResolver.BEAN_NAME)) {
            return AsyncExecutorResolver.BEAN_NAME;
        }
        String boots = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME;
        if (beans.containsBean(boots)) {
            return boots;
        }
        if (beans instanceof ListableBeanFactory listable) {
            String[] names = listable.getBeanNamesForType(AsyncTaskExecutor.class, false, false);
            if (names.length == 1) {
                return names[0];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HedgeExecutors[" + (resolved != null ? resolved : "not resolved yet") + "]";
    }
}

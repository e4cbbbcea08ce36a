package dev.resilience.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One policy's part of an asynchronous execution, nested like {@link SyncStage}. A stage returns the future
 * of its part; when the work inside completed at once (a future that was already done), it hands that same
 * future up, so a call that completes synchronously allocates nothing in the stages. Only a call that is
 * still running makes a stage register a continuation.
 *
 * <p>Not API.
 */
public abstract class AsyncStage {

    /**
     * Runs one pass of {@code execution} through this stage and those inside it. Never throws: a failure is
     * returned as a failed future.
     *
     * @param startNanos an enclosing stage's reading of the pipeline clock for this attempt, or
     *                   {@link Invocation#NO_TIME}
     */
    public abstract CompletableFuture<Object> execute(AsyncExecution execution, long startNanos);

    /** The innermost stage: the call itself. */
    public static final AsyncStage CALL = new AsyncStage() {
        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            return execution.invokeCall();
        }

        @Override
        public String toString() {
            return "call";
        }
    };

    /**
     * Completes {@code target} with {@code source}'s outcome, a failure without the {@code CompletionException}
     * around it: at once when {@code source} is a future that succeeded already, else when it completes.
     */
    @SuppressWarnings("unchecked")
    public static void pipe(CompletionStage<?> source, CompletableFuture<Object> target) {
        if (source instanceof CompletableFuture<?> future && succeededNow(future)) {
            target.complete(future.getNow(null));
            return;
        }
        ((CompletionStage<Object>) source).whenComplete((value, failure) -> {
            if (failure == null) {
                target.complete(value);
            } else {
                target.completeExceptionally(AsyncExecution.unwrap(failure));
            }
        });
    }

    /** Whether {@code future} is done and succeeded: its value can be read at once, without a callback. */
    public static boolean succeededNow(CompletableFuture<?> future) {
        return future.isDone() && !future.isCompletedExceptionally();
    }
}

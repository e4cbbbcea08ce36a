package dev.resilience.core.retry;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.resilience.core.Outcomes;
import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;

/** How a {@link Retry} runs attempts: a loop on the caller's thread, or attempts scheduled on the clock. */
final class RetryStages implements StageFactory<Retry> {

    @Override
    public SyncStage sync(Retry retry, SyncStage inner, StageContext context) {
        return new Sync(retry, inner, context);
    }

    @Override
    public AsyncStage async(Retry retry, AsyncStage inner, StageContext context) {
        return new Async(retry, inner, context);
    }

    /** Whether another attempt may follow {@code failure} (attempts left and time budget aside). */
    private static boolean retryable(Retry.Settings settings, StageContext context, Throwable failure) {
        return Retry.isRetryable(settings, failure) && context.mayRetry(failure);
    }

    private static final class Sync extends SyncStage {

        private final Retry retry;
        private final SyncStage inner;
        private final StageContext context;

        Sync(Retry retry, SyncStage inner, StageContext context) {
            this.retry = retry;
            this.inner = inner;
            this.context = context;
        }

        /** The first attempt, kept small so the JIT inlines it: a first-try success is the hot path. */
        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            // The budget needs a start time; without one, a first-try success reads no clock at all.
            Retry.Settings settings = retry.settings(); // kept to the execution's end
            long start = settings.hasTimeBudget() ? retry.clock().nanoTime() : 0;
            if (settings.hasRetryBudget()) {
                Retry.onFirstAttempt(settings);
            }
            Object result;
            try {
                result = inner.execute(call, kind, argument, Invocation.NO_TIME);
            } catch (Throwable failure) {
                return retrying(settings, call, kind, argument, start, 1, failure, null);
            }
            if (!Retry.isRetryableResult(settings, result)) {
                retry.onFirstTrySuccess();
                return result;
            }
            return retrying(settings, call, kind, argument, start, 1, null, result);
        }

        /**
         * After attempt {@code attempt} threw {@code failure} (or, when that is {@code null}, returned the
         * retryable {@code result}): waits and tries again while attempts and the time budget allow.
         */
        private Object retrying(Retry.Settings settings, Object call, int kind, Object argument, long start,
                int attempt, Throwable failure, Object result) throws Throwable {
            int maxAttempts = settings.maxAttempts;
            while (true) {
                long delay;
                if (failure != null) {
                    if (attempt >= maxAttempts || !retryable(settings, context, failure)
                            || !retry.withinBudget(settings, start,
                                    delay = Retry.delayNanos(settings, attempt, failure))
                            || !retry.budgetAllowsRetry(settings, failure)) {
                        retry.onFailure(attempt, failure);
                        throw failure;
                    }
                } else if (attempt >= maxAttempts
                        || !retry.withinBudget(settings, start, delay = Retry.delayNanos(settings, attempt, null))
                        || !retry.budgetAllowsRetry(settings, null)) {
                    retry.onFailure(attempt, null);
                    return result;
                }
                retry.onRetryScheduled(attempt, delay, failure);
                waitBeforeRetry(delay, attempt, failure);
                attempt++;
                try {
                    result = inner.execute(call, kind, argument, Invocation.NO_TIME);
                    failure = null;
                } catch (Throwable thrown) {
                    failure = thrown;
                    continue;
                }
                if (!Retry.isRetryableResult(settings, result)) {
                    retry.onSuccess(attempt);
                    return result;
                }
            }
        }

        /** Interrupted while waiting: stop retrying, keep the interrupt, report the last failure. */
        private void waitBeforeRetry(long delayNanos, int attempt, Throwable lastFailure) throws Throwable {
            if (delayNanos <= 0) {
                return;
            }
            try {
                retry.clock().sleep(delayNanos);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                retry.onFailure(attempt, lastFailure);
                throw lastFailure != null ? lastFailure : interrupted;
            }
        }

        @Override
        public String toString() {
            return retry + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Retry retry;
        private final AsyncStage inner;
        private final StageContext context;

        Async(Retry retry, AsyncStage inner, StageContext context) {
            this.retry = retry;
            this.inner = inner;
            this.context = context;
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            Retry.Settings settings = retry.settings(); // kept to the execution's end
            long start = settings.hasTimeBudget() ? retry.clock().nanoTime() : 0;
            if (settings.hasRetryBudget()) {
                Retry.onFirstAttempt(settings);
            }
            CompletableFuture<Object> first = inner.execute(execution, Invocation.NO_TIME);
            if (succeededNow(first) && settings.retryOnResult == null) {
                retry.onFirstTrySuccess(); // the common case: nothing scheduled, nothing allocated
                return first;
            }
            Attempts attempts = new Attempts(settings, execution, start);
            first.whenComplete(attempts);
            return attempts;
        }

        /**
         * The attempts of one execution after the first did not succeed at once. Completes with the outcome
         * of the last attempt; each retry is scheduled on the clock and runs on the executor.
         */
        private final class Attempts extends CompletableFuture<Object> implements BiConsumer<Object, Throwable>,
                Runnable {

            private final Retry.Settings settings;
            private final AsyncExecution execution;
            private final long startNanos;
            private volatile int attempt = 1;

            Attempts(Retry.Settings settings, AsyncExecution execution, long startNanos) {
                this.settings = settings;
                this.execution = execution;
                this.startNanos = startNanos;
            }

            /** An attempt completed. Runs where it completed; anything that throws here fails the execution. */
            @Override
            public void accept(Object value, Throwable thrown) {
                if (execution.isDone()) {
                    return; // the caller cancelled: no further attempts, nothing to report
                }
                try {
                    decide(value, thrown == null ? null : AsyncExecution.unwrap(thrown));
                } catch (Throwable decisionFailure) {
                    // A throwing result predicate or Retry-After hint fails the execution, as in the sync path.
                    completeExceptionally(decisionFailure);
                }
            }

            private void decide(Object value, Throwable failure) {
                int current = attempt;
                if (failure != null) {
                    if (current < settings.maxAttempts && retryable(settings, context, failure)) {
                        long delay = Retry.delayNanos(settings, current, failure);
                        if (retry.withinBudget(settings, startNanos, delay)
                                && retry.budgetAllowsRetry(settings, failure)) {
                            retry.onRetryScheduled(current, delay, failure);
                            schedule(delay, failure);
                            return;
                        }
                    }
                    retry.onFailure(current, failure);
                    completeExceptionally(Outcomes.unwrap(failure));
                    return;
                }
                if (Retry.isRetryableResult(settings, value)) {
                    if (current < settings.maxAttempts) {
                        long delay = Retry.delayNanos(settings, current, null);
                        if (retry.withinBudget(settings, startNanos, delay)
                                && retry.budgetAllowsRetry(settings, null)) {
                            retry.onRetryScheduled(current, delay, null);
                            schedule(delay, null);
                            return;
                        }
                    }
                    retry.onFailure(current, null);
                } else {
                    retry.onSuccess(current);
                }
                complete(value);
            }

            private void schedule(long delayNanos, Throwable lastFailure) {
                int attemptsMade = attempt;
                attempt = attemptsMade + 1;
                if (delayNanos <= 0) {
                    hop(attemptsMade, lastFailure);
                    return;
                }
                Cancellable timer = retry.clock().schedule(() -> hop(attemptsMade, lastFailure), delayNanos);
                execution.track(timer); // the caller's cancellation calls the retry off
            }

            /**
             * Hands the next attempt to the executor. On the timer thread for a delayed retry, where an executor
             * that rejects the task would otherwise leave the caller's future pending forever: fail it instead,
             * with the rejection as the reason and the last failure attached.
             */
            private void hop(int attemptsMade, Throwable lastFailure) {
                if (execution.isDone()) {
                    return;
                }
                try {
                    execution.execute(this);
                } catch (Throwable rejected) {
                    if (lastFailure != null && lastFailure != rejected) {
                        rejected.addSuppressed(Outcomes.unwrap(lastFailure));
                    }
                    retry.onFailure(attemptsMade, rejected);
                    completeExceptionally(rejected);
                }
            }

            /** The next attempt, on the executor. */
            @Override
            public void run() {
                if (execution.isDone()) {
                    return;
                }
                CompletableFuture<Object> next;
                try {
                    next = inner.execute(execution, Invocation.NO_TIME);
                } catch (Throwable unexpected) {
                    next = CompletableFuture.failedFuture(unexpected);
                }
                next.whenComplete(this);
            }
        }

        @Override
        public String toString() {
            return retry + " > " + inner;
        }
    }
}

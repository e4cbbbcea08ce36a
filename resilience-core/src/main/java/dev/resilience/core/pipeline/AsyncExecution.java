package dev.resilience.core.pipeline;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.Outcomes;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;

/**
 * One asynchronous execution of a {@link ResiliencePipeline}: the same nesting as the synchronous path,
 * written as callbacks. Waits are scheduled on the retry's clock; every hop to the executor restores the
 * caller's context.
 */
final class AsyncExecution<T> {

    private final ResiliencePipeline pipeline;
    private final Supplier<? extends CompletionStage<T>> call;
    private final ContextPropagation.Snapshot context;
    private final FallbackFunction<?> fallbackFunction;
    private final Executor executor;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final long startNanos;
    /** Handed between threads through executor submission and future completion, both of which publish it. */
    private volatile int attempt = 1;

    AsyncExecution(ResiliencePipeline pipeline, Supplier<? extends CompletionStage<T>> call,
            ContextPropagation.Snapshot context, FallbackFunction<?> fallbackFunction) {
        this.pipeline = pipeline;
        this.call = call;
        this.context = context;
        this.fallbackFunction = fallbackFunction;
        Executor target = pipeline.asyncExecutor();
        this.executor = context == ContextPropagation.Snapshot.EMPTY ? target
                : task -> target.execute(context.wrap(task));
        Retry retry = pipeline.retry();
        this.startNanos = retry == null || retry.config().maxDuration().isZero() ? 0 : retry.clock().nanoTime();
    }

    CompletableFuture<T> start() {
        runAttempt();
        return result;
    }

    private void runAttempt() {
        if (result.isDone()) {
            return; // the caller cancelled: no further attempts
        }
        CompletableFuture<T> outcome;
        try {
            outcome = throughBreaker();
        } catch (Throwable failure) {
            outcome = CompletableFuture.failedFuture(failure);
        }
        outcome.whenComplete(this::onAttemptComplete);
    }

    private CompletableFuture<T> throughBreaker() {
        CircuitBreaker breaker = pipeline.circuitBreaker();
        if (breaker == null) {
            return timed(Long.MIN_VALUE);
        }
        CircuitBreaker.Permit permit = breaker.acquirePermit();
        Clock clock = pipeline.clock();
        long start = clock.nanoTime();
        CompletableFuture<T> inner;
        try {
            inner = timed(start);
        } catch (Throwable failure) {
            inner = CompletableFuture.failedFuture(failure);
        }
        return inner.whenComplete((value, failure) -> {
            long duration = clock.nanoTime() - start;
            if (failure == null) {
                permit.onResult(duration, value);
            } else {
                permit.onError(duration, unwrap(failure));
            }
        });
    }

    private CompletableFuture<T> timed(long startNanos) {
        Timeout timeout = pipeline.timeout();
        if (timeout == null) {
            return bulkheaded(startNanos);
        }
        return timeout.executeAsync(() -> bulkheaded(startNanos), executor);
    }

    private CompletableFuture<T> bulkheaded(long startNanos) {
        Bulkhead bulkhead = pipeline.bulkhead();
        if (bulkhead == null) {
            return invoke(null);
        }
        long start = startNanos == Long.MIN_VALUE ? pipeline.clock().coarseNanoTime() : startNanos;
        if (bulkhead.config().maxWaitDuration().isZero()) {
            Bulkhead.Permit permit;
            try {
                permit = bulkhead.acquire(pipeline.description(), start);
            } catch (Throwable rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
            return invoke(permit);
        }
        // Waiting for a permit blocks; do it on the executor, never on the caller's thread. The attempt may end
        // (timeout, cancellation) while it waits: a permit that arrives after that is handed back at once.
        CompletableFuture<T> attempt = new CompletableFuture<>();
        executor.execute(() -> {
            Bulkhead.Permit permit;
            try {
                permit = bulkhead.acquire(pipeline.description());
            } catch (Throwable rejected) {
                attempt.completeExceptionally(rejected);
                return;
            }
            if (attempt.isDone()) {
                permit.release();
                return;
            }
            CompletableFuture<T> call = invoke(permit);
            call.whenComplete((value, failure) -> {
                if (failure == null) {
                    attempt.complete(value);
                } else {
                    attempt.completeExceptionally(unwrap(failure));
                }
            });
            // A timeout cancels the attempt; pass that on to the call so that it can stop and free its permit.
            attempt.whenComplete((value, failure) -> {
                if (attempt.isCancelled()) {
                    call.cancel(true);
                }
            });
        });
        return attempt;
    }

    private CompletableFuture<T> invoke(Bulkhead.Permit permit) {
        CompletableFuture<T> future;
        try {
            CompletionStage<T> stage = call.get();
            if (stage == null) {
                throw new NullPointerException("the asynchronous call returned null instead of a CompletionStage");
            }
            future = toFuture(stage);
        } catch (Throwable failure) {
            future = CompletableFuture.failedFuture(failure);
        }
        if (permit != null) {
            future.whenComplete((value, failure) -> permit.release());
        }
        // The call's own future, so that a timeout can cancel it.
        return future;
    }

    /**
     * Runs in a completion callback, where an exception would be swallowed and the caller's future left
     * pending forever: anything that goes wrong while deciding (a throwing result predicate or Retry-After
     * hint) fails the execution instead, as it would propagate from the synchronous path.
     */
    private void onAttemptComplete(T value, Throwable thrown) {
        if (result.isDone()) {
            return; // the caller cancelled: no further attempts, nothing to report
        }
        try {
            decide(value, unwrap(thrown));
        } catch (Throwable decisionFailure) {
            fail(decisionFailure);
        }
    }

    private void decide(T value, Throwable failure) {
        Retry retry = pipeline.retry();
        int current = attempt;
        if (failure != null) {
            if (retry != null && current < retry.config().maxAttempts() && retry.isRetryable(failure)) {
                long delay = retry.delayNanos(current, failure);
                if (retry.withinBudget(startNanos, delay)) {
                    retry.onRetryScheduled(current, delay, failure);
                    scheduleNextAttempt(retry, delay, failure);
                    return;
                }
            }
            if (retry != null) {
                retry.onFailure(current, failure);
            }
            fail(Outcomes.unwrap(failure));
            return;
        }
        if (retry != null && retry.isRetryableResult(value)) {
            if (current < retry.config().maxAttempts()) {
                long delay = retry.delayNanos(current, null);
                if (retry.withinBudget(startNanos, delay)) {
                    retry.onRetryScheduled(current, delay, null);
                    scheduleNextAttempt(retry, delay, null);
                    return;
                }
            }
            retry.onFailure(current, null);
        } else if (retry != null) {
            retry.onSuccess(current);
        }
        result.complete(value);
    }

    private void scheduleNextAttempt(Retry retry, long delayNanos, Throwable lastFailure) {
        int attemptsMade = attempt;
        attempt = attemptsMade + 1;
        if (delayNanos <= 0) {
            hopToNextAttempt(retry, attemptsMade, lastFailure);
        } else {
            retry.clock().schedule(() -> hopToNextAttempt(retry, attemptsMade, lastFailure), delayNanos);
        }
    }

    /**
     * Hands the next attempt to the executor. Runs on the timer thread for a delayed retry, where an executor
     * that rejects the task would otherwise leave the caller's future pending forever: fail it instead, with
     * the rejection as the reason and the last failure attached.
     */
    private void hopToNextAttempt(Retry retry, int attemptsMade, Throwable lastFailure) {
        if (result.isDone()) {
            return;
        }
        try {
            executor.execute(this::runAttempt);
        } catch (Throwable rejected) {
            if (lastFailure != null && lastFailure != rejected) {
                rejected.addSuppressed(Outcomes.unwrap(lastFailure));
            }
            retry.onFailure(attemptsMade, rejected);
            fail(rejected);
        }
    }

    @SuppressWarnings("unchecked")
    private void fail(Throwable failure) {
        Fallback<?> fallback = pipeline.fallback();
        if (fallback == null || !fallback.handles(failure)) {
            result.completeExceptionally(failure);
            return;
        }
        Object replacement;
        try (ContextPropagation.Scope ignored = context.restore()) {
            replacement = fallbackFunction != null ? fallback.apply(failure, fallbackFunction) : fallback.apply(failure);
        } catch (Throwable fallbackFailure) {
            result.completeExceptionally(fallbackFailure);
            return;
        }
        if (replacement instanceof CompletionStage<?> stage) {
            ((CompletionStage<T>) stage).whenComplete((value, stageFailure) -> {
                if (stageFailure == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(unwrap(stageFailure));
                }
            });
        } else {
            result.complete((T) replacement);
        }
    }

    private static <V> CompletableFuture<V> toFuture(CompletionStage<V> stage) {
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException notAFuture) {
            CompletableFuture<V> future = new CompletableFuture<>();
            stage.whenComplete((value, failure) -> {
                if (failure == null) {
                    future.complete(value);
                } else {
                    future.completeExceptionally(failure);
                }
            });
            return future;
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

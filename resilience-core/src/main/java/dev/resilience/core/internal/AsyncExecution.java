package dev.resilience.core.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.resilience.core.Outcomes;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.ContextPropagation;

/**
 * One asynchronous execution, and the future its caller holds: the stages drive it, and whatever the caller
 * does to the future travels inward. Cancelling it (or completing it from outside, as {@code orTimeout}
 * does) stops the step under way: the running attempt's own future is cancelled, a scheduled retry is
 * called off, a request waiting for a bulkhead place is withdrawn; each stage then hands back what it holds.
 *
 * <p>A call that completes synchronously costs this one object and nothing else.
 *
 * <p>Not API: {@code executeAsync} returns it typed as a plain {@link CompletableFuture}.
 */
public final class AsyncExecution extends CompletableFuture<Object> implements BiConsumer<Object, Throwable> {

    private final Supplier<? extends CompletionStage<?>> call;
    private final Object fallback;
    private final ContextPropagation.Snapshot context;
    private final Executor executor;
    private final boolean attemptsStopWhenCancelled;
    /** What stops the current step: the attempt's future, a scheduled retry, a queued place request. */
    private volatile Object current;
    /** Told if the timeout around the current attempt fires while it runs. */
    private volatile AttemptObserver observer;
    /** Releases a value that came too late to be used (a response holding a connection), or {@code null}. */
    private volatile java.util.function.Consumer<Object> discarder;

    public AsyncExecution(Supplier<? extends CompletionStage<?>> call, Object fallback,
            ContextPropagation.Snapshot context, Executor executor) {
        this(call, fallback, context, executor, false);
    }

    /**
     * @param attemptsStopWhenCancelled whether cancelling an attempt's future really stops its work (a
     *                                  subscription does): a timeout then always cancels the attempt, whatever
     *                                  its {@code cancel-running-future} says
     */
    public AsyncExecution(Supplier<? extends CompletionStage<?>> call, Object fallback,
            ContextPropagation.Snapshot context, Executor executor, boolean attemptsStopWhenCancelled) {
        this.call = call;
        this.fallback = fallback;
        this.context = context;
        this.executor = executor;
        this.attemptsStopWhenCancelled = attemptsStopWhenCancelled;
    }

    /**
     * Sets what releases a value an attempt produced after its outcome was decided without it (the deadline
     * passed first): e.g. an HTTP response that holds a pooled connection.
     */
    public void onDiscard(java.util.function.Consumer<Object> discarder) {
        this.discarder = discarder;
    }

    /** Hands {@code lateValue}, produced too late to be used, to the discard hook if there is one. */
    public void discard(Object lateValue) {
        java.util.function.Consumer<Object> hook = discarder;
        if (hook != null && lateValue != null) {
            try {
                hook.accept(lateValue);
            } catch (RuntimeException ignored) {
                // releasing a value nobody waits for must not fail anything else
            }
        }
    }

    /**
     * A new execution for one of several attempts running side by side (a hedge): the same call, fallback,
     * context, executor and discard hook, with its own step under way and its own attempt observer, so that
     * cancelling it stops that attempt alone. The stage that forks it completes the parent.
     */
    public AsyncExecution fork() {
        AsyncExecution child = new AsyncExecution(call, fallback, context, executor, attemptsStopWhenCancelled);
        child.discarder = discarder;
        return child;
    }

    /** The call as given to the pipeline: stages read what it carries (e.g. a rate-limit key). */
    public Object call() {
        return call;
    }

    /** Whether cancelling an attempt's future stops its work, so a timeout should cancel it. */
    public boolean attemptsStopWhenCancelled() {
        return attemptsStopWhenCancelled;
    }

    /** Runs the first attempt on the caller's thread; later steps run where the stages send them. */
    public AsyncExecution start(AsyncStage stages) {
        CompletableFuture<Object> outcome;
        try {
            outcome = stages.execute(this, Invocation.NO_TIME);
        } catch (Throwable unexpected) {
            outcome = CompletableFuture.failedFuture(unexpected);
        }
        if (AsyncStage.succeededNow(outcome)) {
            super.complete(outcome.getNow(null));
        } else {
            outcome.whenComplete(this);
        }
        return this;
    }

    /** The outcome of the outermost stage. */
    @Override
    public void accept(Object value, Throwable failure) {
        if (failure == null) {
            super.complete(value);
        } else {
            super.completeExceptionally(Outcomes.unwrap(unwrap(failure)));
        }
    }

    /** Invokes the user's call: its own future, or a failed one for what it threw or a null stage. */
    public CompletableFuture<Object> invokeCall() {
        CompletableFuture<Object> future;
        try {
            CompletionStage<?> stage = call.get();
            if (stage == null) {
                throw new NullPointerException("the asynchronous call returned null instead of a CompletionStage");
            }
            future = toFuture(stage);
        } catch (Throwable failure) {
            return CompletableFuture.failedFuture(failure);
        }
        if (!future.isDone()) {
            track(future);
        }
        return future;
    }

    /**
     * Makes {@code step} (a {@link Future} or a {@link Cancellable}) what the caller's cancellation stops. When
     * the execution has already ended, {@code step} is stopped at once.
     */
    public void track(Object step) {
        current = step;
        if (isDone()) {
            stop(step);
        }
    }

    /** Stops the step under way (the attempt's own future, by cancelling it), if any. */
    public void stopCurrent() {
        stop(current);
    }

    private static void stop(Object step) {
        if (step instanceof Future<?> future) {
            future.cancel(true);
        } else if (step instanceof Cancellable cancellable) {
            cancellable.cancel();
        }
    }

    /** {@code observer} hears if the timeout around the current attempt fires. */
    public void observeAttempt(AttemptObserver observer) {
        this.observer = observer;
    }

    /** The timeout around the current attempt fired. */
    public void attemptTimedOut() {
        AttemptObserver current = observer;
        if (current != null) {
            current.attemptTimedOut();
        }
    }

    /** The call's own fallback function, or {@code null}. */
    public Object fallback() {
        return fallback;
    }

    /** The caller's context, to install around user code that runs elsewhere (a fallback). */
    public ContextPropagation.Snapshot context() {
        return context;
    }

    /** Runs {@code task} on the pipeline's executor with the caller's context installed. */
    public void execute(Runnable task) {
        executor.execute(context == ContextPropagation.Snapshot.EMPTY ? task : context.wrap(task));
    }

    // The caller's hands on the future: each ends the execution and stops the step under way.

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean running = !isDone();
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (running && isCancelled()) {
            stopCurrent(); // not after the execution ended: timed-out work goes on, counted by its bulkhead
        }
        return cancelled;
    }

    @Override
    public boolean complete(Object value) {
        boolean completed = super.complete(value);
        if (completed) {
            stopCurrent();
        }
        return completed;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        boolean completed = super.completeExceptionally(failure);
        if (completed) {
            stopCurrent();
        }
        return completed;
    }

    /** The exception a failed future carries, without the {@link CompletionException} around it. */
    public static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object> toFuture(CompletionStage<?> stage) {
        try {
            return (CompletableFuture<Object>) stage.toCompletableFuture();
        } catch (UnsupportedOperationException notAFuture) {
            CompletableFuture<Object> future = new CompletableFuture<>();
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

}

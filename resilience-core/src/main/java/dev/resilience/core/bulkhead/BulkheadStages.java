package dev.resilience.core.bulkhead;

import java.util.concurrent.CompletableFuture;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * How a {@link Bulkhead} holds a place for an attempt. An asynchronous call keeps its place until its own
 * future completes, not until a timeout around it gives up on it: the place bounds the work really in flight.
 */
final class BulkheadStages implements StageFactory<Bulkhead> {

    @Override
    public SyncStage sync(Bulkhead bulkhead, SyncStage inner, StageContext context) {
        return new Sync(bulkhead, inner, context);
    }

    @Override
    public AsyncStage async(Bulkhead bulkhead, AsyncStage inner, StageContext context) {
        return new Async(bulkhead, inner, context);
    }

    private static final class Sync extends SyncStage {

        private final Bulkhead bulkhead;
        private final SyncStage inner;
        private final String description;
        private final Clock clock;

        Sync(Bulkhead bulkhead, SyncStage inner, StageContext context) {
            this.bulkhead = bulkhead;
            this.inner = inner;
            this.description = context.description();
            this.clock = context.clock();
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            Bulkhead.Permit permit = bulkhead.acquire(description,
                    startNanos == Invocation.NO_TIME ? clock.coarseNanoTime() : startNanos);
            Object result;
            try {
                result = inner.execute(call, kind, argument, startNanos);
            } catch (Throwable failure) {
                permit.release(failure);
                throw failure;
            }
            permit.release();
            return result;
        }

        @Override
        public String toString() {
            return bulkhead + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Bulkhead bulkhead;
        private final AsyncStage inner;
        private final String description;
        private final Clock clock;

        Async(Bulkhead bulkhead, AsyncStage inner, StageContext context) {
            this.bulkhead = bulkhead;
            this.inner = inner;
            this.description = context.description();
            this.clock = context.clock();
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            if (bulkhead.waits()) {
                return new PlaceWait(execution, startNanos).request();
            }
            Bulkhead.Permit permit;
            try {
                permit = bulkhead.acquire(description,
                        startNanos == Invocation.NO_TIME ? clock.coarseNanoTime() : startNanos);
            } catch (BulkheadFullException | InterruptedException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
            return inside(execution, (CallSlot) permit, startNanos);
        }

        /**
         * Runs the attempt in its place. The place is freed when the attempt's own future completes, whatever a
         * timeout around it decided: until then the work is in flight. A timeout that fires meanwhile marks it.
         */
        private CompletableFuture<Object> inside(AsyncExecution execution, CallSlot slot, long startNanos) {
            int occupancy = slot.occupancy();
            CompletableFuture<Object> attempt;
            try {
                attempt = inner.execute(execution, startNanos);
            } catch (Throwable unexpected) {
                slot.release(unexpected);
                return CompletableFuture.failedFuture(unexpected);
            }
            if (attempt.isDone()) {
                if (attempt.isCompletedExceptionally()) {
                    attempt.whenComplete((value, failure) -> slot.release(failure));
                } else {
                    slot.release();
                }
                return attempt;
            }
            execution.observeAttempt(() -> slot.markTimedOut(occupancy));
            return attempt.whenComplete((value, failure) -> slot.release(failure));
        }

        /**
         * An attempt queued for a place: never blocks a thread. Granted at once, it runs inline; granted later
         * (on the thread of the call that left), it continues on the executor. The caller's cancellation or the
         * timeout around it withdraws it from the queue; a grant that races the withdrawal hands the place on.
         */
        private final class PlaceWait extends CompletableFuture<Object> implements PlaceRequest {

            private final AsyncExecution execution;
            private final long startNanos;
            private volatile boolean requesting = true;
            private volatile boolean withdrawn;
            /** The caller, or a timeout told to cancel running work, stopped the attempt. */
            private volatile boolean stopRequested;
            /** The timeout around the attempt fired. */
            private volatile boolean timedOut;
            private volatile Cancellable queued = Cancellable.NONE;

            PlaceWait(AsyncExecution execution, long startNanos) {
                this.execution = execution;
                this.startNanos = startNanos;
            }

            /**
             * Tracked before asking, so that whatever the attempt tracks once it runs (its own future, its place)
             * comes after and wins: the caller's cancellation and the timeout then reach the running call.
             */
            CompletableFuture<Object> request() {
                execution.track(this); // the caller's cancellation withdraws the request
                execution.observeAttempt(this::timeOut); // so does the timeout around the attempt
                if (isDone()) {
                    return this; // the execution ended before we asked
                }
                Cancellable handle = bulkhead.acquireAsync(description, this);
                requesting = false;
                queued = handle;
                if (withdrawn && handle.cancel()) {
                    super.cancel(false); // withdrawn while we were asking
                }
                return this;
            }

            @Override
            public void granted(Bulkhead.Permit permit) {
                CallSlot slot = (CallSlot) permit;
                if (requesting) {
                    pipe(inside(execution, slot, startNanos), this); // a free place, at once: on the caller's thread
                    return;
                }
                if (withdrawn || execution.isDone()) {
                    slot.release();
                    return;
                }
                try {
                    execution.execute(() -> runGranted(slot));
                } catch (Throwable rejected) {
                    slot.release();
                    completeExceptionally(rejected);
                }
            }

            /** At once, or at the deadline on the timer thread: what follows (a fallback) runs on the executor. */
            @Override
            public void rejected(BulkheadFullException full) {
                if (requesting) {
                    completeExceptionally(full);
                    return;
                }
                try {
                    execution.execute(() -> completeExceptionally(full));
                } catch (Throwable rejected) {
                    completeExceptionally(full); // better on the timer thread than never
                }
            }

            /**
             * On the executor, with a place granted while we waited. A cancellation or a timeout may come while
             * the call is starting, after the check and before the call's own future is what they would reach:
             * both leave a flag, read again once the call is tracked, so the started call is stopped or marked.
             */
            private void runGranted(CallSlot slot) {
                if (withdrawn || execution.isDone()) {
                    slot.release();
                    return;
                }
                CompletableFuture<Object> attempt = inside(execution, slot, Invocation.NO_TIME);
                if (stopRequested) {
                    execution.stopCurrent();
                } else if (timedOut) {
                    execution.attemptTimedOut();
                }
                pipe(attempt, this);
            }

            private void withdraw() {
                withdrawn = true;
                if (queued.cancel()) {
                    super.cancel(false);
                }
            }

            /** The timeout fired while we waited (or were about to start): leave the queue. */
            private void timeOut() {
                timedOut = true;
                withdraw();
            }

            /** The caller cancelled the execution: leave the queue, or hand back a place granted meanwhile. */
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                stopRequested = true;
                withdraw();
                return super.cancel(mayInterruptIfRunning);
            }

        }

        @Override
        public String toString() {
            return bulkhead + " > " + inner;
        }
    }
}

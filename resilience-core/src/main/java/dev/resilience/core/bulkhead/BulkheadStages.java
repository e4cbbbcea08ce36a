package dev.resilience.core.bulkhead;

import java.util.concurrent.CompletableFuture;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
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
        public Object execute(Object call, int kind, Object fallback, long startNanos) throws Throwable {
            Bulkhead.Permit permit = bulkhead.acquire(description,
                    startNanos == Invocation.NO_TIME ? clock.coarseNanoTime() : startNanos);
            try {
                return inner.execute(call, kind, fallback, startNanos);
            } finally {
                permit.release();
            }
        }

        @Override
        public String toString() {
            return bulkhead + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Bulkhead bulkhead;
        private final AsyncStage inner;
        private final StageContext context;
        private final String description;
        private final Clock clock;

        Async(Bulkhead bulkhead, AsyncStage inner, StageContext context) {
            this.bulkhead = bulkhead;
            this.inner = inner;
            this.context = context;
            this.description = context.description();
            this.clock = context.clock();
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            long start = startNanos == Invocation.NO_TIME ? clock.coarseNanoTime() : startNanos;
            if (!bulkhead.config().maxWaitDuration().isZero()) {
                return waitForPlace(execution, start);
            }
            Bulkhead.Permit permit;
            try {
                permit = bulkhead.acquire(description, start);
            } catch (BulkheadFullException | InterruptedException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
            return inside(execution, permit, startNanos);
        }

        /** Runs the attempt in its place; the place is freed when the attempt's own future completes. */
        private CompletableFuture<Object> inside(AsyncExecution execution, Bulkhead.Permit permit, long startNanos) {
            CompletableFuture<Object> attempt;
            try {
                attempt = inner.execute(execution, startNanos);
            } catch (Throwable unexpected) {
                permit.release();
                return CompletableFuture.failedFuture(unexpected);
            }
            if (attempt.isDone()) {
                permit.release();
                return attempt;
            }
            return attempt.whenComplete((value, failure) -> permit.release());
        }

        private CompletableFuture<Object> waitForPlace(AsyncExecution execution, long start) {
            CompletableFuture<Object> attempt = new CompletableFuture<>();
            execution.execute(() -> {
                Bulkhead.Permit permit;
                try {
                    permit = bulkhead.acquire(description);
                } catch (Throwable rejected) {
                    attempt.completeExceptionally(rejected);
                    return;
                }
                if (execution.isDone()) {
                    permit.release();
                    return;
                }
                inside(execution, permit, Invocation.NO_TIME).whenComplete((value, failure) -> {
                    if (failure == null) {
                        attempt.complete(value);
                    } else {
                        attempt.completeExceptionally(AsyncExecution.unwrap(failure));
                    }
                });
            });
            return attempt;
        }

        @Override
        public String toString() {
            return bulkhead + " > " + inner;
        }
    }
}

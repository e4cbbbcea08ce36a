package dev.resilience.core.circuitbreaker;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Clock;

/**
 * How a {@link CircuitBreaker} takes part in an execution: a permit before the attempt, its outcome and
 * duration after it. A failure the composition says is not the downstream's is recorded as ignored.
 */
final class CircuitBreakerStages implements StageFactory<CircuitBreaker> {

    @Override
    public SyncStage sync(CircuitBreaker breaker, SyncStage inner, StageContext context) {
        return new Sync(breaker, inner, context);
    }

    @Override
    public AsyncStage async(CircuitBreaker breaker, AsyncStage inner, StageContext context) {
        return new Async(breaker, inner, context);
    }

    /** Times calls precisely only where the slow-call threshold needs it; a reading costs ~25 ns otherwise. */
    private static long now(Clock clock, boolean precise) {
        return precise ? clock.nanoTime() : clock.coarseNanoTime();
    }

    private static void recordFailure(BreakerState permit, StageContext context, long durationNanos,
            Throwable failure, CircuitBreaker.Settings settings) {
        if (context.isDownstreamFailure(failure)) {
            permit.onError(durationNanos, failure, settings);
        } else {
            permit.onIgnored(durationNanos, failure);
        }
    }

    private static final class Sync extends SyncStage {

        private final CircuitBreaker breaker;
        private final SyncStage inner;
        private final StageContext context;
        private final Clock clock;

        Sync(CircuitBreaker breaker, SyncStage inner, StageContext context) {
            this.breaker = breaker;
            this.inner = inner;
            this.context = context;
            this.clock = context.clock();
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            BreakerState permit = (BreakerState) breaker.acquirePermit();
            CircuitBreaker.Settings settings = breaker.settings(); // once per call: they may change
            boolean precise = settings.preciseTiming;
            long start = now(clock, precise);
            Object result;
            try {
                result = inner.execute(call, kind, argument, start);
            } catch (Throwable failure) {
                recordFailure(permit, context, now(clock, precise) - start, failure, settings);
                throw failure;
            }
            permit.onResult(now(clock, precise) - start, result, settings);
            return result;
        }

        @Override
        public String toString() {
            return breaker + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final CircuitBreaker breaker;
        private final AsyncStage inner;
        private final StageContext context;
        private final Clock clock;

        Async(CircuitBreaker breaker, AsyncStage inner, StageContext context) {
            this.breaker = breaker;
            this.inner = inner;
            this.context = context;
            this.clock = context.clock();
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            BreakerState permit;
            try {
                permit = (BreakerState) breaker.acquirePermit();
            } catch (CircuitBreakerOpenException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
            CircuitBreaker.Settings settings = breaker.settings(); // once per call: they may change
            boolean precise = settings.preciseTiming;
            long start = now(clock, precise);
            CompletableFuture<Object> attempt = inner.execute(execution, start);
            if (succeededNow(attempt)) {
                try {
                    permit.onResult(now(clock, precise) - start, attempt.getNow(null), settings);
                } catch (Throwable predicateFailure) {
                    return CompletableFuture.failedFuture(predicateFailure);
                }
                return attempt;
            }
            Outcome outcome = new Outcome(execution, permit, start, settings);
            attempt.whenComplete(outcome);
            return outcome;
        }

        /** Records a call that was still running when it left the stage; completes when it is recorded. */
        private final class Outcome extends CompletableFuture<Object> implements BiConsumer<Object, Throwable> {

            private final AsyncExecution execution;
            private final BreakerState permit;
            private final long startNanos;
            private final CircuitBreaker.Settings settings;

            Outcome(AsyncExecution execution, BreakerState permit, long startNanos, CircuitBreaker.Settings settings) {
                this.execution = execution;
                this.permit = permit;
                this.startNanos = startNanos;
                this.settings = settings;
            }

            @Override
            public void accept(Object value, Throwable thrown) {
                long duration = now(clock, settings.preciseTiming) - startNanos;
                if (thrown != null) {
                    Throwable failure = AsyncExecution.unwrap(thrown);
                    if (failure instanceof CancellationException && execution.isCancelled()) {
                        // The caller gave up: that says nothing about the downstream. Hand a trial back.
                        permit.release();
                        completeExceptionally(failure);
                        return;
                    }
                    recordFailure(permit, context, duration, failure, settings);
                    completeExceptionally(failure);
                    return;
                }
                try {
                    permit.onResult(duration, value, settings);
                } catch (Throwable predicateFailure) {
                    completeExceptionally(predicateFailure);
                    return;
                }
                complete(value);
            }
        }

        @Override
        public String toString() {
            return breaker + " > " + inner;
        }
    }
}

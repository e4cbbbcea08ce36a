package dev.resilience.core.fallback;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import dev.resilience.core.Outcomes;
import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.ContextPropagation;

/**
 * How a {@link Fallback} recovers the final failure of an execution: with the call's own fallback function
 * when it brings one, else with the fallback's. Asynchronously, the function runs with the caller's context
 * and may return a stage to complete with.
 */
final class FallbackStages implements StageFactory<Fallback<?>> {

    @Override
    public SyncStage sync(Fallback<?> fallback, SyncStage inner, StageContext context) {
        return new Sync(fallback, inner);
    }

    @Override
    public AsyncStage async(Fallback<?> fallback, AsyncStage inner, StageContext context) {
        return new Async(fallback, inner);
    }

    @SuppressWarnings("unchecked")
    private static Object recover(Fallback<?> fallback, Object function, Throwable failure) throws Throwable {
        return function != null ? fallback.apply(failure, (FallbackFunction<Object>) function) : fallback.apply(failure);
    }

    private static final class Sync extends SyncStage {

        private final Fallback<?> fallback;
        private final SyncStage inner;

        Sync(Fallback<?> fallback, SyncStage inner) {
            this.fallback = fallback;
            this.inner = inner;
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            try {
                return inner.execute(call, kind, argument, startNanos);
            } catch (Throwable thrown) {
                Throwable failure = Outcomes.unwrap(thrown);
                if (fallback.handles(failure)) {
                    // A function's argument is no fallback function: then the fallback's own function applies.
                    return recover(fallback, kind == Invocation.FUNCTION ? null : argument, failure);
                }
                throw failure;
            }
        }

        @Override
        public String toString() {
            return fallback + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Fallback<?> fallback;
        private final AsyncStage inner;

        Async(Fallback<?> fallback, AsyncStage inner) {
            this.fallback = fallback;
            this.inner = inner;
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            CompletableFuture<Object> outcome = inner.execute(execution, startNanos);
            if (succeededNow(outcome)) {
                return outcome;
            }
            Recovery recovery = new Recovery(execution);
            outcome.whenComplete(recovery);
            return recovery;
        }

        /** The outcome, or what the fallback makes of its failure. */
        private final class Recovery extends CompletableFuture<Object> implements BiConsumer<Object, Throwable> {

            private final AsyncExecution execution;

            Recovery(AsyncExecution execution) {
                this.execution = execution;
            }

            @Override
            public void accept(Object value, Throwable thrown) {
                if (thrown == null) {
                    complete(value);
                    return;
                }
                Throwable failure = Outcomes.unwrap(AsyncExecution.unwrap(thrown));
                if (execution.isDone() || !fallback.handles(failure)) {
                    completeExceptionally(failure); // the caller cancelled, or not ours to handle
                    return;
                }
                Object replacement;
                try (ContextPropagation.Scope ignored = execution.context().restore()) {
                    replacement = recover(fallback, execution.fallback(), failure);
                } catch (Throwable fallbackFailure) {
                    completeExceptionally(fallbackFailure);
                    return;
                }
                if (replacement instanceof CompletionStage<?> stage) {
                    pipe(stage, this);
                } else {
                    complete(replacement);
                }
            }
        }

        @Override
        public String toString() {
            return fallback + " > " + inner;
        }
    }
}

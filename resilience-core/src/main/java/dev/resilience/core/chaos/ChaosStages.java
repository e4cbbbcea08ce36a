package dev.resilience.core.chaos;

import java.util.concurrent.CompletableFuture;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;

/** How {@link Chaos} wraps the call: a delay first (on the caller's thread, or the clock's timer), then maybe a fault. */
final class ChaosStages implements StageFactory<Chaos> {

    @Override
    public SyncStage sync(Chaos chaos, SyncStage inner, StageContext context) {
        return new Sync(chaos, inner);
    }

    @Override
    public AsyncStage async(Chaos chaos, AsyncStage inner, StageContext context) {
        return new Async(chaos, inner);
    }

    private static final class Sync extends SyncStage {

        private final Chaos chaos;
        private final SyncStage inner;

        Sync(Chaos chaos, SyncStage inner) {
            this.chaos = chaos;
            this.inner = inner;
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            if (!chaos.active()) {
                return inner.execute(call, kind, argument, startNanos);
            }
            long delay = chaos.drawLatency();
            if (delay > 0) {
                chaos.clock().sleep(delay);
            }
            Throwable fault = chaos.drawFault();
            if (fault != null) {
                throw fault;
            }
            return inner.execute(call, kind, argument, startNanos);
        }

        @Override
        public String toString() {
            return chaos + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Chaos chaos;
        private final AsyncStage inner;

        Async(Chaos chaos, AsyncStage inner) {
            this.chaos = chaos;
            this.inner = inner;
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            if (!chaos.active()) {
                return inner.execute(execution, startNanos);
            }
            long delay = chaos.drawLatency();
            if (delay == 0) {
                return faultOrCall(execution, startNanos);
            }
            CompletableFuture<Object> delayed = new CompletableFuture<>();
            Cancellable timer = chaos.clock().schedule(() -> {
                try {
                    execution.execute(() -> pipe(faultOrCall(execution, Invocation.NO_TIME), delayed));
                } catch (Throwable rejected) {
                    delayed.completeExceptionally(rejected);
                }
            }, delay);
            execution.track(timer); // the caller's cancellation calls the delayed call off
            return delayed;
        }

        private CompletableFuture<Object> faultOrCall(AsyncExecution execution, long startNanos) {
            Throwable fault = chaos.drawFault();
            return fault != null ? CompletableFuture.failedFuture(fault) : inner.execute(execution, startNanos);
        }

        @Override
        public String toString() {
            return chaos + " > " + inner;
        }
    }
}

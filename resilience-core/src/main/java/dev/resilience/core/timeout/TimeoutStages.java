package dev.resilience.core.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * How a {@link Timeout} limits an attempt: a synchronous call is interrupted on the caller's thread at the
 * deadline; an asynchronous one races its deadline on the clock's timer.
 */
final class TimeoutStages implements StageFactory<Timeout> {

    @Override
    public SyncStage sync(Timeout timeout, SyncStage inner, StageContext context) {
        return new Sync(timeout, inner);
    }

    @Override
    public AsyncStage async(Timeout timeout, AsyncStage inner, StageContext context) {
        return new Async(timeout, inner);
    }

    private static final class Sync extends SyncStage {

        private final Timeout timeout;
        private final SyncStage inner;

        Sync(Timeout timeout, SyncStage inner) {
            this.timeout = timeout;
            this.inner = inner;
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            Timeout.TimedCall timed = timeout.start();
            Object result;
            try {
                result = inner.execute(call, kind, argument, startNanos);
            } catch (Throwable failure) {
                throw timeout.failed(timed, failure);
            }
            return timeout.succeeded(timed, result);
        }

        @Override
        public String toString() {
            return timeout + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final Timeout timeout;
        private final AsyncStage inner;
        private final Clock clock;

        Async(Timeout timeout, AsyncStage inner) {
            this.timeout = timeout;
            this.inner = inner;
            this.clock = timeout.clock();
        }

        /**
         * A call that completed before returning needs no deadline, so the timer is set only for one still
         * running, for what is left of the limit: the coarse clock read before the call says how long the
         * call took to return its future.
         */
        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            Timeout.Settings settings = timeout.settings(); // the call keeps the settings it started with
            long start = clock.coarseNanoTime();
            CompletableFuture<Object> attempt = inner.execute(execution, startNanos);
            if (attempt.isDone()) {
                if (attempt.isCompletedExceptionally()) {
                    timeout.countFailureInTime();
                } else {
                    timeout.countSuccess();
                }
                return attempt;
            }
            long left = settings.durationNanos - (clock.coarseNanoTime() - start);
            Race race = new Race(execution, settings.config);
            race.timer = clock.schedule(race, Math.max(0, left));
            attempt.whenComplete(race);
            return race;
        }

        /**
         * One attempt racing its deadline. Exactly one of {@link #run()} (the timer, at the deadline) and
         * {@link #accept} (the attempt completing) wins the CAS and decides.
         */
        private final class Race extends CompletableFuture<Object> implements Runnable, BiConsumer<Object, Throwable> {

            private static final VarHandle DECIDED;

            static {
                try {
                    DECIDED = MethodHandles.lookup().findVarHandle(Race.class, "decided", boolean.class);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }

            private final AsyncExecution execution;
            private final TimeoutConfig config;
            @SuppressWarnings("unused") // through DECIDED
            private volatile boolean decided;
            /** Set before the attempt can complete into {@link #accept}. */
            volatile Cancellable timer;

            Race(AsyncExecution execution, TimeoutConfig config) {
                this.execution = execution;
                this.config = config;
            }

            private boolean decide() {
                return DECIDED.compareAndSet(this, false, true);
            }

            /**
             * On the timer thread: decide now, complete on the executor. The work inside goes on, keeping its
             * bulkhead place (marked as timed out), unless the config says to cancel it.
             */
            @Override
            public void run() {
                if (execution.isDone() || !decide()) {
                    return; // finished in time, or the caller cancelled
                }
                timeout.countTimeout();
                if (config.cancelRunningFuture() || execution.attemptsStopWhenCancelled()) {
                    execution.stopCurrent();
                }
                execution.attemptTimedOut();
                try {
                    execution.execute(this::timeOut);
                } catch (RejectedExecutionException shutDown) {
                    timeOut(); // better on the timer thread than never
                }
            }

            private void timeOut() {
                completeExceptionally(new TimeoutExceededException(timeout.name(), config.duration(), null, false));
                timeout.publishTimeout(config.duration());
            }

            @Override
            public void accept(Object value, Throwable failure) {
                if (!decide()) {
                    if (failure == null) {
                        execution.discard(value); // the deadline passed first: release what came too late
                    }
                    return;
                }
                timer.cancel();
                if (failure == null) {
                    timeout.countSuccess();
                    complete(value);
                } else {
                    timeout.countFailureInTime();
                    completeExceptionally(AsyncExecution.unwrap(failure));
                }
            }
        }

        @Override
        public String toString() {
            return timeout + " > " + inner;
        }
    }
}

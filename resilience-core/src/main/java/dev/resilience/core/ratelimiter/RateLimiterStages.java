package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;

/**
 * How a {@link RateLimiter} admits a call: a permit at once, or after a wait (on the caller's thread for a
 * synchronous call, on the clock's timer for an asynchronous one), or a {@link RateLimitExceededException}.
 */
final class RateLimiterStages implements StageFactory<RateLimiter> {

    @Override
    public SyncStage sync(RateLimiter limiter, SyncStage inner, StageContext context) {
        return new Sync(limiter, inner);
    }

    @Override
    public AsyncStage async(RateLimiter limiter, AsyncStage inner, StageContext context) {
        return new Async(limiter, inner);
    }

    /**
     * Finds a call's key. A stage mostly sees calls of one class, which either carries a key or does not; the
     * last class seen without one is remembered, because on JDK 17 a failed interface check on a lambda's class
     * rescans its supertypes on every call (JDK-8180450).
     */
    static final class Keys {

        /** A class whose calls carry no key; racy on purpose: any thread's answer is right. */
        private Class<?> unkeyed;

        Object of(Object call) {
            Class<?> type = call.getClass();
            if (type == unkeyed) {
                return null;
            }
            if (call instanceof RateLimitKey keyed) {
                return keyed.rateLimitKey();
            }
            unkeyed = type;
            return null;
        }
    }

    private static final class Sync extends SyncStage {

        private final RateLimiter limiter;
        private final SyncStage inner;
        private final Keys keys = new Keys();

        Sync(RateLimiter limiter, SyncStage inner) {
            this.limiter = limiter;
            this.inner = inner;
        }

        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            PermitBucket bucket = limiter.bucketFor(keys.of(call));
            long wait = limiter.acquire(bucket);
            if (wait == 0) {
                return inner.execute(call, kind, argument, startNanos);
            }
            limiter.waitStarted();
            try {
                limiter.clock().sleep(wait);
            } catch (InterruptedException interrupted) {
                bucket.refund(); // the reserved permit goes back: this call will not use it
                throw interrupted;
            } finally {
                limiter.waitEnded();
            }
            // The wait is not the call's: the stages inside read the clock afresh.
            return inner.execute(call, kind, argument, Invocation.NO_TIME);
        }

        @Override
        public String toString() {
            return limiter + " > " + inner;
        }
    }

    private static final class Async extends AsyncStage {

        private final RateLimiter limiter;
        private final AsyncStage inner;
        private final Keys keys = new Keys();

        Async(RateLimiter limiter, AsyncStage inner) {
            this.limiter = limiter;
            this.inner = inner;
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            PermitBucket bucket;
            long wait;
            try {
                bucket = limiter.bucketFor(keys.of(execution.call()));
                wait = limiter.acquire(bucket);
            } catch (RateLimitExceededException rejected) {
                return CompletableFuture.failedFuture(rejected);
            }
            if (wait == 0) {
                return inner.execute(execution, startNanos);
            }
            Waiter waiter = new Waiter(execution, bucket);
            limiter.waitStarted();
            waiter.timer = limiter.clock().schedule(waiter, wait);
            execution.track(waiter); // the caller's cancellation withdraws the wait and hands the permit back
            return waiter;
        }

        /** A call waiting on the timer for its reserved permit. Exactly one of run and cancel wins. */
        private final class Waiter extends CompletableFuture<Object> implements Runnable, Cancellable {

            private static final VarHandle DONE_WAITING;

            static {
                try {
                    DONE_WAITING = MethodHandles.lookup().findVarHandle(Waiter.class, "doneWaiting", boolean.class);
                } catch (ReflectiveOperationException e) {
                    throw new ExceptionInInitializerError(e);
                }
            }

            private final AsyncExecution execution;
            private final PermitBucket bucket;
            volatile Cancellable timer = Cancellable.NONE;
            @SuppressWarnings("unused") // through DONE_WAITING
            private volatile boolean doneWaiting;

            Waiter(AsyncExecution execution, PermitBucket bucket) {
                this.execution = execution;
                this.bucket = bucket;
            }

            private boolean finishWaiting() {
                if (DONE_WAITING.compareAndSet(this, false, true)) {
                    limiter.waitEnded();
                    return true;
                }
                return false;
            }

            /** On the timer thread: the permit is usable; the call continues on the executor. */
            @Override
            public void run() {
                if (!finishWaiting()) {
                    return;
                }
                try {
                    execution.execute(() -> pipe(inner.execute(execution, Invocation.NO_TIME), this));
                } catch (Throwable rejected) {
                    completeExceptionally(rejected);
                }
            }

            /** The caller cancelled while this call waited. */
            @Override
            public boolean cancel() {
                if (!finishWaiting()) {
                    return false;
                }
                timer.cancel();
                bucket.refund();
                completeExceptionally(new CancellationException("cancelled while waiting for a permit"));
                return true;
            }

            /** {@code Future.cancel}, as the execution stops a tracked step that is a future. */
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                return cancel();
            }
        }

        @Override
        public String toString() {
            return limiter + " > " + inner;
        }
    }
}

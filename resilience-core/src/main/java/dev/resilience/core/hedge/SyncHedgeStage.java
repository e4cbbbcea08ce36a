package dev.resilience.core.hedge;

import java.util.concurrent.Executor;

import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Clock;

/**
 * A hedge around a synchronous call: the first attempt runs on the caller's thread; the hedge's {@link SyncWatch}
 * starts the extra attempts that are due on the executor, and a losing attempt's thread is interrupted.
 */
final class SyncHedgeStage extends SyncStage {

    final Hedge hedge;
    final SyncStage inner;
    final StageContext context;
    private final Executor defaultExecutor;

    SyncHedgeStage(Hedge hedge, SyncStage inner, StageContext context) {
        this.hedge = hedge;
        this.inner = inner;
        this.context = context;
        this.defaultExecutor = context.executor();
    }

    /**
     * A call that returns before its delay: a clock read, one small object, a CAS into a slot of the hedge's
     * table and one out of it (and, for a percentile delay, a second clock read and a store into the window).
     */
    @Override
    public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
        Hedge.Settings settings = hedge.settings();
        Clock clock = hedge.clock();
        long start = clock.nanoTime();
        boolean measured = hedge.sampleLatency(settings);
        SyncCall watched = new SyncCall(this, call, kind, argument, start, measured);
        SyncWatch watch = hedge.watch();
        int slot = watch.register(watched, hedge.delayNanos(settings));
        hedge.onCall();
        Object result = null;
        Throwable failure = null;
        try {
            result = inner.execute(call, kind, argument, Invocation.NO_TIME);
        } catch (Throwable thrown) {
            failure = thrown;
        }
        if (watch.finish(slot, watched)) {
            if (measured) {
                hedge.recordLatency(settings, clock.nanoTime() - start);
            }
            if (failure != null) {
                throw failure;
            }
            return result;
        }
        return watched.awaitRace().firstAttemptEnded(result, failure);
    }

    Executor executor() {
        Executor configured = hedge.config().executor();
        return configured != null ? configured : defaultExecutor;
    }

    @Override
    public String toString() {
        return hedge + " > " + inner;
    }
}

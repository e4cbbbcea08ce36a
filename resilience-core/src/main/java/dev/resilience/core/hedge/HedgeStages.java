package dev.resilience.core.hedge;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;

/**
 * How a {@link Hedge} races attempts. Synchronous: the first attempt on the caller's thread, extra attempts on
 * the executor, launched by the hedge's {@link SyncWatch}; a losing attempt's thread is interrupted and its
 * interrupt cleared when it stops. Asynchronous: each attempt is a {@linkplain AsyncExecution#fork() fork} of
 * the execution, so cancelling a loser stops its own future or subscription and hands back what it holds.
 */
final class HedgeStages implements StageFactory<Hedge> {

    @Override
    public SyncStage sync(Hedge hedge, SyncStage inner, StageContext context) {
        return new SyncHedgeStage(hedge, inner, context);
    }

    @Override
    public AsyncStage async(Hedge hedge, AsyncStage inner, StageContext context) {
        return new AsyncHedgeStage(hedge, inner, context);
    }
}

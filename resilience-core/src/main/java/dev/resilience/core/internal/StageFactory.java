package dev.resilience.core.internal;

/**
 * How one kind of policy takes part in an execution, for each call style. Each policy package implements it
 * next to its state, and registers it with {@link StageFactories} when its class is initialised, so the
 * methods that drive a policy never appear on the policy's public type.
 *
 * <p>Not API.
 *
 * @param <P> the policy type
 */
public interface StageFactory<P> {

    /** {@code policy}'s stage around {@code inner} for synchronous calls. */
    SyncStage sync(P policy, SyncStage inner, StageContext context);

    /** {@code policy}'s stage around {@code inner} for asynchronous calls. */
    AsyncStage async(P policy, AsyncStage inner, StageContext context);
}

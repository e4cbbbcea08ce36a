package dev.resilience.core;

/**
 * A policy instance whose settings can change while it runs, in place: callers keep the same instance and
 * its state (a breaker's state and recorded calls, a bulkhead's calls inside, counters), and the next call
 * uses the new settings. What "state kept" means for each policy is said on its {@code reconfigure}.
 *
 * <p>The new config is a complete, already validated value (configs validate when they are built), so a
 * reconfiguration never half applies. Registries apply a whole change to all their instances through this
 * interface; applications may call it directly.
 *
 * @param <C> the policy's config type
 */
public interface Reconfigurable<C> {

    /** The settings in use now. */
    C config();

    /**
     * Uses {@code config} from the next call on, keeping the instance's state.
     *
     * @param config the new settings, not {@code null}
     */
    void reconfigure(C config);
}

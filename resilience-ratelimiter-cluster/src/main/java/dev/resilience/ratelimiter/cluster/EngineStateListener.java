package dev.resilience.ratelimiter.cluster;

/**
 * Told when the cluster-wide buckets of a rate limiter lose their engine and when they have it back: once
 * per transition, on the calling thread that saw it. Implementations must be quick and must not throw
 * (what they throw is ignored).
 */
public interface EngineStateListener {

    /** Nothing to tell. */
    EngineStateListener NONE = new EngineStateListener() {
        @Override
        public void engineLost(String name, Throwable cause) {
        }

        @Override
        public void engineBack(String name) {
        }
    };

    /**
     * The engine failed a call for limiter {@code name}: from now on it limits locally or rejects (see
     * {@link ClusterPermitBuckets#state(String)}) until the engine answers again.
     */
    void engineLost(String name, Throwable cause);

    /** The engine answered again: limiter {@code name} takes its permits from the shared bucket again. */
    void engineBack(String name);
}

package dev.resilience.ratelimiter.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Where a cluster-wide rate limiter takes its permits now, for health details and logs.
 *
 * @param name          the limiter
 * @param engine        the engine's name: {@code hazelcast}, {@code redis}, or what the builder was told
 * @param mode          shared bucket, local fallback or rejecting
 * @param limitForPeriod the shared limit per period
 * @param period        the limit's refresh period
 * @param fallbackLimit the local limit per period while the engine is lost ({@code onEngineFailure: local}):
 *                      {@code limitForPeriod / expectedInstances}, at least 1; 0 for {@code reject}
 * @param since         when the current mode began (the first bucket's creation for {@link Mode#SHARED} that
 *                      never failed)
 * @param lastError     the failure that made the engine lost, or the latest one while it stays lost; empty
 *                      on the shared bucket
 */
public record EngineState(String name, String engine, Mode mode, int limitForPeriod, Duration period,
        int fallbackLimit, Instant since, Optional<Throwable> lastError) {

    /** Where the permits come from. */
    public enum Mode {
        /** The bucket shared by every instance, on the engine. */
        SHARED,
        /** The engine is unreachable: a local bucket of {@code fallbackLimit} per period. */
        LOCAL_FALLBACK,
        /** The engine is unreachable: every call is rejected ({@code onEngineFailure: reject}). */
        REJECTING
    }

    /** Whether the shared bucket counts. */
    public boolean shared() {
        return mode == Mode.SHARED;
    }

    /** What the limiter does, in a sentence: e.g. {@code limiting locally to 25 per PT1S}. */
    public String describe() {
        return switch (mode) {
            case SHARED -> "shared " + engine + " bucket of " + limitForPeriod + " per " + period;
            case LOCAL_FALLBACK -> engine + " unreachable: limiting locally to " + fallbackLimit + " per " + period
                    + " until it is back";
            case REJECTING -> engine + " unreachable: rejecting every call until it is back";
        };
    }
}

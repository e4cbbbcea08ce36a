package dev.resilience.sample.b;

/**
 * How service B misbehaves. Any field left out of a request takes its healthy value, so {@code {}} heals B.
 *
 * @param failureRate       share of calls that fail, 0 to 1 (0.5 makes B flap)
 * @param latencyMillis     delay before every answer
 * @param status            HTTP status of a failed call
 * @param retryAfterSeconds value of the Retry-After header on a failed call
 */
public record Chaos(Double failureRate, Long latencyMillis, Integer status, Integer retryAfterSeconds) {

    public static final Chaos HEALTHY = new Chaos(0.0, 0L, 503, 1);

    /** Fills in what a partial request left out. */
    public Chaos withDefaults() {
        return new Chaos(failureRate == null ? HEALTHY.failureRate : failureRate,
                latencyMillis == null ? HEALTHY.latencyMillis : latencyMillis,
                status == null ? HEALTHY.status : status,
                retryAfterSeconds == null ? HEALTHY.retryAfterSeconds : retryAfterSeconds);
    }
}

package dev.resilience.core.circuitbreaker;

/** Counts read from a sliding window or from the half-open trials at one moment. */
record WindowMetrics(int buffered, int failed, int slow) {

    static final WindowMetrics EMPTY = new WindowMetrics(0, 0, 0);

    float failureRate() {
        return buffered == 0 ? 0 : failed * 100f / buffered;
    }

    float slowCallRate() {
        return buffered == 0 ? 0 : slow * 100f / buffered;
    }
}

package dev.resilience.core.chaos;

import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/** Where fault injection draws its chances: seedable, so that a test decides which calls are hit. */
@FunctionalInterface
public interface ChaosRandom {

    /** A draw from [0, 1). */
    double nextDouble();

    /** Unseeded, without contention: the default. */
    static ChaosRandom unseeded() {
        return () -> ThreadLocalRandom.current().nextDouble();
    }

    /** The same sequence for the same seed (shared by all threads, in the order they draw). */
    static ChaosRandom seeded(long seed) {
        Random random = new Random(seed);
        return random::nextDouble;
    }
}

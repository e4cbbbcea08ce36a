package dev.resilience.core.ratelimiter;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/** Permits asked for without waiting: by one thread, or by many at once, released together. */
final class Contention {

    private Contention() {
    }

    /** How many of {@code attempts} calls on this thread got a permit at once. */
    static int permitsTaken(PermitBucket bucket, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.acquire(0) == 0) {
                taken++;
            }
        }
        return taken;
    }

    /** How many of {@code threads × attemptsEach} calls of {@code tryTake} answered {@code true}. */
    static int permitsTaken(int threads, int attemptsEach, BooleanSupplier tryTake) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int taken = 0;
                    for (int i = 0; i < attemptsEach; i++) {
                        if (tryTake.getAsBoolean()) {
                            taken++;
                        }
                    }
                    return taken;
                }));
            }
            start.countDown();
            int taken = 0;
            for (Future<Integer> result : results) {
                taken += result.get();
            }
            return taken;
        } finally {
            pool.shutdownNow();
        }
    }
}

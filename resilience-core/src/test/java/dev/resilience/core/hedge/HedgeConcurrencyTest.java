package dev.resilience.core.hedge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.bulkhead.BulkheadConfig;
import dev.resilience.core.pipeline.ResiliencePipeline;

/**
 * Many callers at once on the real clock (the sweep's timer is the subject): every call gets its own outcome,
 * every slow call is hedged, the counts add up exactly, and no place or interrupt is left behind.
 */
class HedgeConcurrencyTest {

    private static final int CALLERS = 4;
    private static final int CALLS_EACH = 500;

    @Test
    void everyCallGetsItsOwnOutcomeAndNothingIsLeftBehind() throws Exception {
        ExecutorService extra = Executors.newFixedThreadPool(8);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        Bulkhead bulkhead = Bulkhead.of("b", BulkheadConfig.builder().maxConcurrentCalls(64).build());
        Hedge hedge = Hedge.of("h", HedgeConfig.builder().delay(Duration.ofMillis(2)).executor(extra).build());
        ResiliencePipeline pipeline = ResiliencePipeline.builder().hedge(hedge).bulkhead(bulkhead).build();
        ConcurrentHashMap<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger leftInterrupted = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < CALLERS; t++) {
                int first = t * CALLS_EACH;
                done.add(callers.submit(() -> {
                    for (int i = first; i < first + CALLS_EACH; i++) {
                        int call = i;
                        Thread caller = Thread.currentThread();
                        Object result;
                        try {
                            result = pipeline.execute(() -> {
                                attempts.computeIfAbsent(call, key -> new AtomicInteger()).incrementAndGet();
                                if (call % 10 == 0 && Thread.currentThread() == caller) {
                                    Thread.sleep(10_000); // the first attempt is slow: only an interrupt ends it
                                }
                                return call;
                            });
                        } catch (Throwable failure) {
                            result = failure;
                        }
                        if (!Integer.valueOf(call).equals(result)) {
                            wrong.incrementAndGet();
                        }
                        if (Thread.currentThread().isInterrupted()) {
                            leftInterrupted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> caller : done) {
                caller.get(60, TimeUnit.SECONDS);
            }
            extra.shutdown();
            assertThat(extra.awaitTermination(30, TimeUnit.SECONDS)).as("every extra attempt ended").isTrue();
        } finally {
            extra.shutdownNow();
            callers.shutdownNow();
        }
        int total = CALLERS * CALLS_EACH;
        assertThat(wrong).hasValue(0);
        assertThat(leftInterrupted).hasValue(0);
        assertThat(hedge.calls()).isEqualTo(total);
        assertThat(hedge.hedgedCalls()).as("every slow call, and maybe a few quick ones the machine delayed")
                .isGreaterThanOrEqualTo(total / 10).isEqualTo(hedge.hedgesLaunched());
        long secondAttempts = attempts.values().stream().filter(count -> count.get() == 2).count();
        assertThat(attempts.values()).allSatisfy(count -> assertThat(count.get()).isBetween(1, 2));
        assertThat(secondAttempts).as("one extra attempt ran for each hedged call")
                .isLessThanOrEqualTo(hedge.hedgesLaunched());
        assertThat(hedge.hedgeWins()).as("each slow call was won by its extra attempt")
                .isGreaterThanOrEqualTo(total / 10).isLessThanOrEqualTo(hedge.hedgedCalls());
        assertThat(bulkhead.availablePermits()).isEqualTo(64);
    }
}

package dev.resilience.core.retry;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.Reconfigurable;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.spi.Clock;

/**
 * Bounds retries as a fraction of traffic, so that many callers retrying a struggling downstream cannot
 * multiply its load: over the last {@code window}, retries may be at most {@code maxRetryRatio} of the
 * first attempts, or {@code minRetriesPerSecond × window} whichever is more (a quiet service can still
 * retry). Shared by any number of {@link Retry} instances (e.g. every retry towards one downstream).
 *
 * <p>The window is ten slots; counting is a few atomic adds and no lock. Under contention the bound may be
 * passed by the few retries decided in the same instant.
 */
public final class RetryBudget implements Reconfigurable<RetryBudgetConfig> {

    private static final int SLOTS = 10;

    private final String name;
    private final Clock clock;
    /** The config in use with what is derived from it, replaced whole by {@link #reconfigure}. */
    private volatile Settings settings;
    /** Per slot: the slot number it holds counts for, first attempts, retries. */
    private final AtomicLongArray slotOf = new AtomicLongArray(SLOTS);
    private final AtomicLongArray firstAttempts = new AtomicLongArray(SLOTS);
    private final AtomicLongArray retries = new AtomicLongArray(SLOTS);
    private final LongAdder rejected = new LongAdder();

    private RetryBudget(String name, RetryBudgetConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        for (int i = 0; i < SLOTS; i++) {
            slotOf.set(i, -1);
        }
    }

    public static RetryBudget of(String name, RetryBudgetConfig config, Clock clock) {
        return new RetryBudget(name, config, clock);
    }

    public static RetryBudget of(String name, RetryBudgetConfig config) {
        return new RetryBudget(name, config, Clock.system());
    }

    /** A config and what is derived from it. */
    private static final class Settings {
        final RetryBudgetConfig config;
        final long slotNanos;
        final double floor;

        Settings(RetryBudgetConfig config) {
            this.config = config;
            this.slotNanos = Math.max(1, config.window().toNanos() / SLOTS);
            this.floor = config.minRetriesPerSecond() * config.window().toNanos() / 1e9;
        }
    }

    /**
     * Uses {@code config} from now on. A new ratio or minimum applies at once to the attempts and retries
     * already counted; a new window length starts an empty window (its slots measure time differently). The
     * count of refused retries is kept.
     */
    @Override
    public synchronized void reconfigure(RetryBudgetConfig config) {
        Settings next = new Settings(Objects.requireNonNull(config, "config"));
        boolean newWindow = next.slotNanos != settings.slotNanos;
        settings = next;
        if (newWindow) {
            clearSlots();
        }
    }

    /** An execution made its first attempt. */
    void recordFirstAttempt() {
        firstAttempts.incrementAndGet(current(settings.slotNanos));
    }

    /**
     * Takes a retry from the budget if it allows one now.
     *
     * @return {@code false} (counted as rejected) when retries have reached their share of the window
     */
    boolean tryRetry() {
        Settings current = settings;
        int index = current(current.slotNanos);
        long slot = slotOf.get(index);
        long firsts = 0;
        long retried = 0;
        for (int i = 0; i < SLOTS; i++) {
            long held = slotOf.get(i);
            if (held > slot - SLOTS && held <= slot) {
                firsts += firstAttempts.get(i);
                retried += retries.get(i);
            }
        }
        if (retried + 1 > Math.max(current.floor, current.config.maxRetryRatio() * firsts)) {
            rejected.increment();
            return false;
        }
        retries.incrementAndGet(index);
        return true;
    }

    /**
     * Takes one attempt made beside an execution's first (a hedge) from the budget, counted as a retry: the
     * pipeline asks this, so other policies share the bound without knowing the retry.
     *
     * @return {@code false} (counted as rejected) when retries have reached their share of the window
     */
    public boolean tryAdditionalAttempt() {
        return tryRetry();
    }

    /** The index of the slot for now, cleared first when it still holds an older slot's counts. */
    private int current(long slotNanos) {
        long slot = clock.nanoTime() / slotNanos;
        int index = (int) Math.floorMod(slot, (long) SLOTS);
        long held = slotOf.get(index);
        if (held != slot && slotOf.compareAndSet(index, held, slot)) {
            firstAttempts.set(index, 0);
            retries.set(index, 0);
        }
        return index;
    }

    /** Retries as a fraction of first attempts over the window now; 0 when there were none. */
    public double ratio() {
        long slot = clock.nanoTime() / settings.slotNanos;
        long firsts = 0;
        long retried = 0;
        for (int i = 0; i < SLOTS; i++) {
            long held = slotOf.get(i);
            if (held > slot - SLOTS && held <= slot) {
                firsts += firstAttempts.get(i);
                retried += retries.get(i);
            }
        }
        return firsts == 0 ? 0 : (double) retried / firsts;
    }

    /** Retries refused since creation because the budget was spent. */
    public long rejectedRetries() {
        return rejected.sum();
    }

    /** Back to how it was built: no attempt counted, no retry refused. */
    void resetToInitialState() {
        clearSlots();
        rejected.reset();
    }

    private void clearSlots() {
        for (int i = 0; i < SLOTS; i++) {
            slotOf.set(i, -1);
            firstAttempts.set(i, 0);
            retries.set(i, 0);
        }
    }

    public String name() {
        return name;
    }

    @Override
    public RetryBudgetConfig config() {
        return settings.config;
    }

    @Override
    public String toString() {
        return "RetryBudget[" + name + ", " + settings.config + "]";
    }
}

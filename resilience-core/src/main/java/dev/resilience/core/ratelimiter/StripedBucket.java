package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.spi.Clock;

/**
 * A limiter's own local bucket when its limit is large enough to hand permits out in batches: a thread takes
 * its permits from its stripe (picked by thread id), and only a stripe's refill touches the shared bucket. One
 * word that every permit changes would move between the cores on every permit; here two threads on two cores
 * mostly change a word each.
 *
 * <p>Exact all the same. A batch is good only while the time reads as it did when the batch was taken (to the
 * {@value #UNIT_NANOS} ns, finer than the coarse clock's 10-ms tick, so in practice one reading), and a
 * fixed-window batch never outlives its window: every permit is handed out at the time its batch was taken
 * from the shared bucket, which keeps its limit to the permit. What a stripe has left when the time moves on
 * goes back to the shared bucket (into the window it came from). Before refusing, a caller takes a permit
 * another stripe holds, so the limiter refuses only when no permit is free anywhere.
 *
 * <p>A stripe also counts the permits handed out from it, so the limiter does not count each one; the count it
 * reports never goes down (a metric's counter) and is exact whenever no call is taking a permit.
 */
final class StripedBucket implements PermitBucket {

    /** Batches are tagged with the time in units of 2^20 ns (~1 ms): 40 bits of them last 36 years. */
    static final long UNIT_NANOS = 1L << 20;
    static final int UNIT_SHIFT = 20;
    /**
     * A stripe: its batch's time unit in the high 40 bits, then the permits handed out from it since its last
     * refill and the permits left (12 bits each: a batch and a refill's at most).
     */
    private static final int TAG_SHIFT = 24;
    private static final int COUNT_BITS = 12;
    private static final long LEFT_MASK = (1L << COUNT_BITS) - 1;
    private static final long ONE_USED = 1L << COUNT_BITS;
    private static final long COUNTS_MASK = (1L << TAG_SHIFT) - 1;
    private static final long MAX_BATCH = 1024;
    /** A tag this many units or more "older" than the caller's time is newer: the caller read its time earlier. */
    private static final long NEWER = 1L << 39;
    /** Longs per stripe: 128 bytes, so no two stripes share a cache line or its prefetched neighbour. */
    private static final int SPACING = 16;
    private static final VarHandle STRIPE = MethodHandles.arrayElementVarHandle(long[].class);

    private final BatchedBucket shared;
    private final long batch;
    private final int indexShift;
    /** Stripe {@code i} at index {@code (i + 1) * SPACING}: none shares a line with the array's header. */
    private final long[] words;
    /** Permits handed out by stripes since replaced, and by the shared bucket directly. Only ever added to. */
    private final LongAdder counted = new LongAdder();
    /** The highest count reported, so that a report never goes below an earlier one. */
    private final AtomicLong reported = new AtomicLong();

    private StripedBucket(BatchedBucket shared, long batch, int stripes) {
        this.shared = shared;
        this.batch = batch;
        this.indexShift = 64 - Integer.numberOfTrailingZeros(stripes);
        this.words = new long[(stripes + 1) * SPACING];
        if (shared instanceof SmoothReadings readings) {
            readings.sweeper(this::retireBefore);
        }
    }

    /**
     * Takes back every stripe's batch from a time unit before {@code unit}: its count goes to the total, and the
     * permits it had left are answered (they go back with the reading they came from, see {@link SmoothReadings}).
     */
    private long retireBefore(long unit) {
        long now = unit << UNIT_SHIFT;
        long left = 0;
        for (int i = SPACING; i < words.length; i += SPACING) {
            while (true) {
                long word = (long) STRIPE.getVolatile(words, i);
                long age = age(word, now);
                if (word == 0 || age == 0 || age >= NEWER) {
                    break;
                }
                if (STRIPE.compareAndSet(words, i, word, 0L)) {
                    counted.add((word >>> COUNT_BITS) & LEFT_MASK);
                    left += word & LEFT_MASK;
                    break;
                }
            }
        }
        return left;
    }

    /**
     * A limiter's own local bucket: striped when batches pay, else one word. A bucket on the precise time (a
     * period under a second) reads the clock for every permit, which costs more than the contention batches
     * save; below 16 permits per stripe and period, a batch would hold a large share of the limit.
     */
    static PermitBucket forLimiter(RateLimiterConfig config, Clock clock) {
        int stripes = Math.min(64, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 8 - 1));
        long batch = Math.min(MAX_BATCH, config.limitForPeriod() / (16L * stripes));
        if (!LocalBucket.timedCoarsely(config) || batch < 2) {
            return LocalBucket.oneWord(config, clock);
        }
        BatchedBucket shared = config.type() == RateLimiterType.SMOOTH ? new SmoothReadings(config, clock)
                : new FixedWindowBucket(config, clock);
        return new StripedBucket(shared, batch, stripes);
    }

    /** A stripe's tag for {@code now}, in place. */
    private static long tag(long now) {
        return (now >>> UNIT_SHIFT) << TAG_SHIFT;
    }

    @Override
    public long acquire(long maxWaitNanos) {
        long now = shared.now();
        int at = stripeOf(Thread.currentThread());
        long word = (long) STRIPE.getVolatile(words, at);
        while ((word & ~COUNTS_MASK) == tag(now) && (word & LEFT_MASK) != 0) {
            if (STRIPE.compareAndSet(words, at, word, word + ONE_USED - 1)) {
                return 0;
            }
            word = (long) STRIPE.getVolatile(words, at); // another thread on this stripe: its permits still serve
        }
        return refill(at, now, maxWaitNanos);
    }

    @SuppressWarnings("deprecation") // getId(): threadId() exists only from Java 19
    private int stripeOf(Thread thread) {
        // Fibonacci hashing: threads with consecutive ids land on stripes far apart.
        return (int) ((thread.getId() * 0x9E3779B97F4A7C15L) >>> indexShift) * SPACING + SPACING;
    }

    /**
     * The caller's stripe had nothing for {@code now}: a new batch, another stripe's permit, or the shared
     * bucket's answer.
     */
    private long refill(int at, long now, long maxWaitNanos) {
        long unitEnd = ((now >>> UNIT_SHIFT) + 1) << UNIT_SHIFT;
        long count = shared.takeUpTo(now, shared.usableUntil(now, unitEnd) ? batch : 1);
        if (count > 0) {
            if (count == 1 || !deposit(at, now, count - 1)) {
                counted.increment();
            }
            return 0;
        }
        for (int i = SPACING; i < words.length; i += SPACING) {
            if (takeOneFrom(i, now)) {
                return 0;
            }
        }
        // Permits handed back by the stripes just visited are free in the shared bucket again.
        long result = shared.acquire(maxWaitNanos);
        if (result >= 0) {
            counted.increment();
        }
        return result;
    }

    /**
     * Takes a permit the stripe holds for {@code now} (or for a later time: {@code now} was read a little before
     * the stripe's batch was taken); hands back what it holds for an earlier time.
     */
    private boolean takeOneFrom(int at, long now) {
        while (true) {
            long word = (long) STRIPE.getVolatile(words, at);
            if ((word & LEFT_MASK) == 0) {
                return false;
            }
            long age = age(word, now);
            if (age == 0 || age >= NEWER) {
                if (STRIPE.compareAndSet(words, at, word, word + ONE_USED - 1)) {
                    return true;
                }
            } else if (STRIPE.compareAndSet(words, at, word, 0L)) {
                retired(word, now, age);
                return false;
            }
        }
    }

    /**
     * Puts {@code count} permits taken at {@code now} into the stripe, with one more counted as handed out (the
     * caller's), handing back what it held for an earlier time.
     *
     * @return whether they went in; if not, they went back to the shared bucket and the caller's permit is not
     *         counted yet
     */
    private boolean deposit(int at, long now, long count) {
        long tag = tag(now);
        while (true) {
            long word = (long) STRIPE.getVolatile(words, at);
            long age = age(word, now);
            if (age == 0) {
                // The same time: the permits left stay, the count moves to the total (a stripe counts at most 4,095).
                long left = (word & LEFT_MASK) + count;
                if (left >= LEFT_MASK) { // many threads on one stripe at once: keep what fits
                    shared.giveBack(now, count);
                    return false;
                }
                if (STRIPE.compareAndSet(words, at, word, tag | ONE_USED | left)) {
                    counted.add((word >>> COUNT_BITS) & LEFT_MASK);
                    return true;
                }
            } else if (age >= NEWER && (word & COUNTS_MASK) != 0) { // a newer batch than the caller's
                shared.giveBack(now, count);
                return false;
            } else if (STRIPE.compareAndSet(words, at, word, tag | ONE_USED | count)) {
                retired(word, now, age);
                return true;
            }
        }
    }

    /** The start of the time unit {@code age} units before {@code now}'s: when a stripe's batch was taken. */
    private static long takenAt(long now, long age) {
        return ((now >>> UNIT_SHIFT) - age) << UNIT_SHIFT;
    }

    /** How many time units before {@code now} the stripe's batch was taken. */
    private static long age(long word, long now) {
        return (tag(now) - (word & ~COUNTS_MASK)) >>> TAG_SHIFT;
    }

    /** A stripe's batch, {@code age} units old, was replaced: its count is kept, its permits left go back. */
    private void retired(long word, long now, long age) {
        counted.add((word >>> COUNT_BITS) & LEFT_MASK);
        long left = word & LEFT_MASK;
        if (left != 0) {
            shared.giveBack(takenAt(now, age), left);
        }
    }

    @Override
    public void refund() {
        shared.refund(); // counted when reserved, as the limiter counts a reservation
    }

    /** The shared bucket's, with what the stripes hold for now or will hand back to it. */
    @Override
    public long availablePermits() {
        return Math.min(shared.limit(), shared.availablePermits() + heldByStripes());
    }

    /** Permits the stripes hold that are usable now or go back to the shared bucket when handed back. */
    long heldByStripes() {
        long now = shared.now();
        long held = 0;
        for (int i = SPACING; i < words.length; i += SPACING) {
            long word = (long) STRIPE.getVolatile(words, i);
            long age = age(word, now);
            if (age >= NEWER || shared.givenBackFreely(takenAt(now, age), now)) {
                held += word & LEFT_MASK;
            }
        }
        return held;
    }

    /**
     * Permits handed out since creation (or the last reset): never less than an earlier answer, and exact when
     * no call is taking a permit.
     */
    long permitsHandedOut() {
        // The total first, then the stripes: a batch retired in between is missed (counted low for a moment),
        // never counted twice.
        long count = counted.sum();
        for (int i = SPACING; i < words.length; i += SPACING) {
            count += ((long) STRIPE.getVolatile(words, i) >>> COUNT_BITS) & LEFT_MASK;
        }
        long highest = count;
        return reported.accumulateAndGet(highest, Math::max);
    }

    @Override
    public void resetToInitialState() {
        for (int i = SPACING; i < words.length; i += SPACING) {
            STRIPE.setVolatile(words, i, 0L);
        }
        counted.reset();
        reported.set(0);
        shared.resetToInitialState();
    }

    int stripes() {
        return words.length / SPACING - 1;
    }

    long batch() {
        return batch;
    }
}

package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A limiter's own local bucket when its limit is large enough to hand permits out in batches: a thread takes
 * its permits from its stripe (picked by thread id), and only a stripe's refill touches the shared bucket. One
 * word that every permit changes would move between the cores on every permit; here two threads on two cores
 * mostly change a word each.
 *
 * <p>Exact all the same: a batch is good only for the clock reading it was taken at (the coarse clock's tick,
 * or one instant of a manual clock). Each permit is therefore handed out at the time its batch was taken from
 * the shared bucket, which keeps its limit to the permit; what a stripe has left when the time moves on goes
 * back to the shared bucket (into the window it came from). Before refusing, a caller takes a permit another
 * stripe holds for the current time, so the limiter refuses only when no permit is free anywhere.
 *
 * <p>It counts the permits it hands out itself (per batch), so the limiter does not count each one.
 */
final class StripedBucket implements PermitBucket {

    /** A stripe holds its batch's time in the high 52 bits and the permits left in the low 12. */
    private static final int TIME_SHIFT = 12;
    private static final long LEFT_MASK = (1L << TIME_SHIFT) - 1;
    private static final long MAX_BATCH = 1024;
    /** Longs per stripe: 128 bytes, so no two stripes share a cache line or its prefetched neighbour. */
    private static final int SPACING = 16;
    private static final VarHandle STRIPE = MethodHandles.arrayElementVarHandle(long[].class);
    /**
     * An age (see {@link #age}) of half the 52-bit range or more is a batch taken after the caller read its time:
     * its time is a little stale. (A stripe left alone for 26 days would be taken for one too; its permits are
     * then handed out once more, at most one batch.)
     */
    private static final long NEWER = 1L << (63 - TIME_SHIFT);

    private final LocalBucket shared;
    private final long batch;
    private final int stripes;
    private final int indexShift;
    /** Stripe {@code i} at index {@code (i + 1) * SPACING}: none shares a line with the array's header. */
    private final long[] words;
    /** Permits taken from the shared bucket, net of those handed back: handed out, plus what stripes hold. */
    private final LongAdder taken = new LongAdder();

    private StripedBucket(LocalBucket shared, long batch, int stripes) {
        this.shared = shared;
        this.batch = batch;
        this.stripes = stripes;
        this.indexShift = 64 - Integer.numberOfTrailingZeros(stripes);
        this.words = new long[(stripes + 1) * SPACING];
    }

    /**
     * {@code shared} striped, or as it is when its limit is too small for batches to pay: below 16 permits per
     * stripe and period, a batch would hold a large share of the limit.
     */
    static PermitBucket over(LocalBucket shared) {
        int stripes = Math.min(64, Integer.highestOneBit(Runtime.getRuntime().availableProcessors() * 8 - 1));
        long batch = Math.min(MAX_BATCH, shared.limit() / (16L * stripes));
        return batch < 2 ? shared : new StripedBucket(shared, batch, stripes);
    }

    @Override
    public long acquire(long maxWaitNanos) {
        long now = shared.now();
        int at = stripeOf(Thread.currentThread());
        long word = (long) STRIPE.getVolatile(words, at);
        if ((word & ~LEFT_MASK) == now << TIME_SHIFT && (word & LEFT_MASK) != 0
                && STRIPE.compareAndSet(words, at, word, word - 1)) {
            return 0;
        }
        return refill(at, now, maxWaitNanos);
    }

    @SuppressWarnings("deprecation") // getId(): threadId() exists only from Java 19
    private int stripeOf(Thread thread) {
        // Fibonacci hashing: threads with consecutive ids land on stripes far apart.
        return (int) ((thread.getId() * 0x9E3779B97F4A7C15L) >>> indexShift) * SPACING + SPACING;
    }

    /** The caller's stripe had nothing for {@code now}: a new batch, another stripe's permit, or the shared bucket's answer. */
    private long refill(int at, long now, long maxWaitNanos) {
        long count = shared.takeUpTo(now, batch);
        if (count > 0) {
            taken.add(count);
            if (count > 1) {
                deposit(at, now, count - 1);
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
            taken.increment();
        }
        return result;
    }

    /**
     * Takes a permit the stripe holds for {@code now} (or for a later time, when {@code now} is a little stale);
     * hands back what it holds for an earlier time.
     */
    private boolean takeOneFrom(int at, long now) {
        while (true) {
            long word = (long) STRIPE.getVolatile(words, at);
            long left = word & LEFT_MASK;
            if (left == 0) {
                return false;
            }
            long age = age(word, now);
            if (age == 0 || age >= NEWER) {
                if (STRIPE.compareAndSet(words, at, word, word - 1)) {
                    return true;
                }
            } else if (STRIPE.compareAndSet(words, at, word, word & ~LEFT_MASK)) {
                handBack(now - age, left);
                return false;
            }
        }
    }

    /** Puts {@code count} permits taken at {@code now} into the stripe, handing back what it held for an earlier time. */
    private void deposit(int at, long now, long count) {
        long stamp = now << TIME_SHIFT;
        while (true) {
            long word = (long) STRIPE.getVolatile(words, at);
            long left = word & LEFT_MASK;
            if ((word & ~LEFT_MASK) == stamp || left == 0) {
                long sum = ((word & ~LEFT_MASK) == stamp ? left : 0) + count;
                if (sum > LEFT_MASK) { // many threads on one stripe at once: keep what fits
                    handBack(now, count);
                    return;
                }
                if (STRIPE.compareAndSet(words, at, word, stamp | sum)) {
                    return;
                }
                continue;
            }
            long age = age(word, now);
            if (age >= NEWER) { // the stripe's batch is newer than this caller's time
                handBack(now, count);
                return;
            }
            if (STRIPE.compareAndSet(words, at, word, stamp | count)) {
                handBack(now - age, left);
                return;
            }
        }
    }

    /** How long before {@code now} the stripe's batch was taken, from the 52 bits of its time the stripe keeps. */
    private static long age(long word, long now) {
        return ((now << TIME_SHIFT) - (word & ~LEFT_MASK)) >>> TIME_SHIFT;
    }

    private void handBack(long takenAt, long count) {
        taken.add(-count);
        shared.giveBack(takenAt, count);
    }

    @Override
    public void refund() {
        taken.decrement();
        shared.refund();
    }

    /** The shared bucket's, with what the stripes hold for now or will hand back to it. */
    @Override
    public long availablePermits() {
        long now = shared.now();
        long held = 0;
        for (int i = SPACING; i < words.length; i += SPACING) {
            long word = (long) STRIPE.getVolatile(words, i);
            long age = age(word, now);
            if (age >= NEWER || shared.givenBackFreely(now - age, now)) {
                held += word & LEFT_MASK;
            }
        }
        return Math.min(shared.limit(), shared.availablePermits() + held);
    }

    /** Permits handed out since creation (or the last reset); exact when no call is taking one. */
    long permitsHandedOut() {
        long held = 0;
        for (int i = SPACING; i < words.length; i += SPACING) {
            held += (long) STRIPE.getVolatile(words, i) & LEFT_MASK;
        }
        return taken.sum() - held;
    }

    @Override
    public void resetToInitialState() {
        for (int i = SPACING; i < words.length; i += SPACING) {
            STRIPE.setVolatile(words, i, 0L);
        }
        taken.reset();
        shared.resetToInitialState();
    }

    int stripes() {
        return stripes;
    }

    long batch() {
        return batch;
    }
}

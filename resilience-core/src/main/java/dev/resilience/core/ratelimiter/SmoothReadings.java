package dev.resilience.core.ratelimiter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongUnaryOperator;

import dev.resilience.core.spi.Clock;

/**
 * The token bucket of {@link SmoothBucket} kept per reading of the coarse clock, so that a {@link StripedBucket}
 * can hand its permits out in batches and take the rest back exactly.
 *
 * <p>A token bucket drops what it cannot hold when time moves on. Kept as one "full again at" time, it cannot
 * take back permits a stripe still held when that happened: it would then hold more than its limit. Here each
 * reading (a unit of {@value StripedBucket#UNIT_NANOS} ns of the coarse time) has a supply, the permits free
 * when it began, and a count of the permits taken in it. The next reading's supply is the rest plus the refill
 * of the time between, capped at the limit, computed only after the stripes have handed back what they held
 * ({@link #sweeper}). Permits handed back later go into the reading after theirs as
 * {@code min(limit, supply + returned)}, which is the same as if they had been there when the cap applied;
 * handed back later still, they are dropped (never too many permits; at worst, rarely, a few too few).
 *
 * <p>A permit or a batch is one CAS on the reading's word; a new reading allocates one small object.
 */
final class SmoothReadings extends LocalBucket implements BatchedBucket {

    private static final int UNIT_SHIFT = StripedBucket.UNIT_SHIFT;
    /** The reading's word: sealed (sign bit) | supply (31 bits, signed: a debt after reservations) | taken (32). */
    private static final long SEALED = Long.MIN_VALUE;
    private static final long TAKEN_MASK = 0xFFFF_FFFFL;
    /** Permits reserved beyond the supply, at most: the next supply, a debt, must fit its 31 bits. */
    private static final long MAX_DEBT = 1L << 29;
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(SmoothReadings.class, "current", Reading.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Nanoseconds per permit, rounded up as in {@link SmoothBucket}. */
    private final long interval;
    @SuppressWarnings("FieldMayBeFinal") // through CURRENT
    private volatile Reading current;
    /** Takes back every stripe's batch from readings before the given unit; answers the permits they had left. */
    private volatile LongUnaryOperator sweeper = unit -> 0;

    SmoothReadings(RateLimiterConfig config, Clock clock) {
        super(config, clock);
        this.interval = (config.limitRefreshPeriod().toNanos() + limit() - 1) / limit();
        this.current = new Reading(unit(now()), -1, 0, limit());
    }

    /** One reading: when, the refill not yet a whole permit, and the word. */
    private static final class Reading {

        private static final VarHandle WORD;

        static {
            try {
                WORD = MethodHandles.lookup().findVarHandle(Reading.class, "word", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long unit;
        final long previousUnit;
        final long carryNanos;
        @SuppressWarnings("unused") // through WORD
        private volatile long word;

        Reading(long unit, long previousUnit, long carryNanos, long supply) {
            this.unit = unit;
            this.previousUnit = previousUnit;
            this.carryNanos = carryNanos;
            this.word = packed(supply, 0);
        }

        long word() {
            return (long) WORD.getVolatile(this);
        }

        boolean cas(long expected, long next) {
            return WORD.compareAndSet(this, expected, next);
        }

        /** Sealed: nothing changes any more; its successor is being computed. Answers the final word. */
        long seal() {
            while (true) {
                long word = word();
                if ((word & SEALED) != 0 || cas(word, word | SEALED)) {
                    return word | SEALED;
                }
            }
        }
    }

    private static long unit(long now) {
        return now >>> UNIT_SHIFT;
    }

    private static long supply(long word) {
        return (word << 1) >> 33; // the 31 bits after the sign bit, sign-extended
    }

    private static long taken(long word) {
        return word & TAKEN_MASK;
    }

    private static long packed(long supply, long taken) {
        return ((supply << 32) & ~SEALED) | taken;
    }

    void sweeper(LongUnaryOperator sweeper) {
        this.sweeper = sweeper;
    }

    /** The reading for {@code now}: the current one, moved on first if {@code now} is in a later unit. */
    private Reading readingFor(long now) {
        Reading reading = current;
        return reading.unit >= unit(now) ? reading : moveOn(reading, unit(now));
    }

    /**
     * Seals {@code old}, takes back what the stripes hold from it and earlier, and publishes the next reading.
     * Threads that get here together each do it (no one waits for another); one publishes, and the others give
     * what they took back from the stripes to the published one.
     */
    private Reading moveOn(Reading old, long unit) {
        long last = old.seal();
        long returned = sweeper.applyAsLong(unit);
        long levelNanos = (supply(last) - taken(last) + returned) * interval + old.carryNanos
                + ((unit - old.unit) << UNIT_SHIFT);
        levelNanos = Math.min(levelNanos, limit() * interval);
        Reading next = new Reading(unit, old.unit, Math.floorMod(levelNanos, interval),
                Math.floorDiv(levelNanos, interval));
        if (CURRENT.compareAndSet(this, old, next)) {
            return next;
        }
        Reading published = current;
        if (returned > 0) {
            giveBackInto(old.unit, returned);
        }
        return published.unit >= unit ? published : readingFor(unit << UNIT_SHIFT);
    }

    @Override
    public long acquire(long maxWaitNanos) {
        long now = now();
        Reading reading = readingFor(now);
        while (true) {
            long word = reading.word();
            if ((word & SEALED) != 0) {
                reading = readingFor(Math.max(now, (reading.unit + 1) << UNIT_SHIFT));
                continue;
            }
            long supply = supply(word);
            long taken = taken(word);
            long wait = 0;
            if (taken >= supply) {
                // The permit of number (taken - supply + 1) past the supply frees that long after the reading began.
                long start = reading.unit << UNIT_SHIFT;
                wait = start + (taken - supply + 1) * interval - reading.carryNanos - Math.max(now, start);
            }
            if (wait > maxWaitNanos || taken + 1 > TAKEN_MASK || taken - supply >= MAX_DEBT) {
                return -Math.max(1, wait);
            }
            if (reading.cas(word, word + 1)) {
                return Math.max(0, wait);
            }
        }
    }

    @Override
    public long takeUpTo(long now, long max) {
        Reading reading = readingFor(now);
        while (true) {
            long word = reading.word();
            if ((word & SEALED) != 0) {
                reading = readingFor(Math.max(now, (reading.unit + 1) << UNIT_SHIFT));
                continue;
            }
            long free = supply(word) - taken(word);
            if (free <= 0) {
                return 0;
            }
            long count = Math.min(max, free);
            if (reading.cas(word, word + count)) {
                return count;
            }
        }
    }

    @Override
    public void giveBack(long takenAt, long count) {
        giveBackInto(unit(takenAt), count);
    }

    /**
     * Into their own reading, they are simply not taken; into the next one, they join its supply under the cap;
     * later, dropped. A sealed reading is being replaced: the caller helps and tries again.
     */
    private void giveBackInto(long fromUnit, long count) {
        while (true) {
            Reading reading = current;
            long word = reading.word();
            if ((word & SEALED) != 0) {
                moveOn(reading, reading.unit + 1);
                continue;
            }
            long supply = supply(word);
            long taken = taken(word);
            long next;
            if (reading.unit == fromUnit && taken >= count) {
                next = word - count;
            } else if (reading.unit == fromUnit || reading.previousUnit == fromUnit) {
                next = packed(Math.min(limit(), supply + count), taken);
            } else {
                return;
            }
            if (reading.cas(word, next)) {
                return;
            }
        }
    }

    /**
     * A cancelled reservation's permit, into the reading of now (moved on first): one fewer taken in it, or its
     * supply one higher under the cap.
     */
    @Override
    public void refund() {
        giveBackInto(readingFor(now()).unit, 1);
    }

    @Override
    public boolean givenBackFreely(long takenAt, long now) {
        Reading reading = current;
        return unit(takenAt) == reading.unit || unit(takenAt) == reading.previousUnit;
    }

    @Override
    public boolean usableUntil(long now, long until) {
        return true;
    }


    @Override
    public long availablePermits() {
        long now = now();
        Reading reading = current;
        long word = reading.word();
        long levelNanos = (supply(word) - taken(word)) * interval + reading.carryNanos
                + Math.max(0, (unit(now) - reading.unit) << UNIT_SHIFT);
        return Math.max(0, Math.min(limit(), Math.floorDiv(levelNanos, interval)));
    }

    @Override
    public void resetToInitialState() {
        current = new Reading(unit(now()), -1, 0, limit());
    }
}

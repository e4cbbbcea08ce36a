package dev.resilience.core.circuitbreaker;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last {@code size} calls. Rather than one slot per call (which makes every success write to shared
 * memory at a shared index), it numbers calls with a striped counter of its own and remembers only the
 * sequence numbers of failed and of slow calls. A fast success is one {@link LongAdder#increment()}: no lock,
 * no allocation, and it scales across threads; that increment is also the breaker's lifetime count of the
 * success (see {@link ClosedState}). Failed and slow calls take a short lock to append to their ring.
 *
 * <p>The counter belongs to this window alone: a call admitted by an earlier state that finishes late
 * reports to that state's window and cannot shift the numbering of a newer one.
 */
final class CountBasedWindow implements SlidingWindow {

    private final int size;
    /** Guarded by the lock. */
    private int minimumNumberOfCalls;
    /** Fast successes counted here and not yet moved into the breaker's lifetime count. */
    private final LongAdder fastSuccesses = new LongAdder();
    /** Fast successes moved out of {@link #fastSuccesses}; guarded by the lock, like the next one. */
    private long movedSuccesses;
    /** Failed and slow calls recorded. */
    private long recorded;
    private final ReentrantLock lock = new ReentrantLock();
    private final SequenceRing failures;
    private final SequenceRing slowCalls;
    /** Once the window has seen the minimum number of calls, a success can no longer trip the breaker. */
    private volatile boolean minimumReached;

    CountBasedWindow(int size, int minimumNumberOfCalls) {
        this.size = size;
        this.minimumNumberOfCalls = minimumNumberOfCalls;
        this.failures = new SequenceRing(size);
        this.slowCalls = new SequenceRing(size);
    }

    @Override
    public boolean recordFastSuccess() {
        fastSuccesses.increment();
        return !minimumReached;
    }

    /** Fast successes counted and not moved out yet. */
    long fastSuccesses() {
        return fastSuccesses.sum();
    }

    /**
     * Moves the fast successes counted so far out of this window, for the breaker's lifetime count: each
     * increment is moved exactly once, whoever calls this and whenever. The window keeps numbering them.
     */
    long takeFastSuccesses() {
        long taken = fastSuccesses.sumThenReset();
        lock.lock();
        try {
            movedSuccesses += taken;
        } finally {
            lock.unlock();
        }
        return taken;
    }

    /** Every call numbered here; under the lock. */
    private long calls() {
        return fastSuccesses.sum() + movedSuccesses + recorded;
    }

    @Override
    public void record(boolean failed, boolean slow) {
        lock.lock();
        try {
            // Numbered under the lock, so failed and slow calls get distinct, ascending numbers: the rings
            // stay sorted and each call slides out of the window exactly when it should. Fast successes
            // counted meanwhile simply take the places before this call.
            recorded++;
            long sequence = calls();
            if (failed) {
                failures.add(sequence);
            }
            if (slow) {
                slowCalls.add(sequence);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public WindowMetrics metrics() {
        lock.lock();
        try {
            long total = calls();
            long oldestInWindow = total - size;
            failures.dropUpTo(oldestInWindow);
            slowCalls.dropUpTo(oldestInWindow);
            int buffered = (int) Math.min(total, size);
            if (buffered >= minimumNumberOfCalls) {
                minimumReached = true;
            }
            return new WindowMetrics(buffered, failures.count, slowCalls.count);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SlidingWindowType type() {
        return SlidingWindowType.COUNT_BASED;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * A new minimum number of calls, for the calls already here too: until {@link #metrics()} finds it
     * reached, successes ask for the thresholds to be evaluated again (one may be the call that reaches it).
     */
    void minimumNumberOfCalls(int calls) {
        lock.lock();
        try {
            if (calls != minimumNumberOfCalls) {
                minimumNumberOfCalls = calls;
                minimumReached = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sequence numbers in ascending order, oldest first; at most the window size of them. */
    private static final class SequenceRing {
        private final long[] sequences;
        private int head;
        private int count;

        SequenceRing(int capacity) {
            this.sequences = new long[capacity];
        }

        void add(long sequence) {
            if (count == sequences.length) {
                head = (head + 1) % sequences.length;
                count--;
            }
            sequences[(head + count) % sequences.length] = sequence;
            count++;
        }

        void dropUpTo(long sequence) {
            while (count > 0 && sequences[head] <= sequence) {
                head = (head + 1) % sequences.length;
                count--;
            }
        }
    }
}

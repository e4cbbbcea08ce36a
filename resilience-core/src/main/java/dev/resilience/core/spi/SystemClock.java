package dev.resilience.core.spi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@link Clock} backed by {@link System#nanoTime()} and one lazily started daemon timer thread. */
final class SystemClock implements Clock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public long coarseNanoTime() {
        return Ticker.now;
    }

    @Override
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public void sleep(long nanos) throws InterruptedException {
        // parkNanos rather than Thread.sleep: same behaviour, and it spells out that no monitor is held,
        // so a virtual thread unmounts while it waits.
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting before the next attempt");
            }
            LockSupport.parkNanos(this, left);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted while waiting before the next attempt");
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        return Timer.INSTANCE.schedule(task, delayNanos);
    }

    /**
     * Holder: the ticker thread starts on first use only. It refreshes {@link #now} every 10 ms and is
     * otherwise parked; a daemon, it never keeps the JVM alive.
     */
    private static final class Ticker {

        static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
        static volatile long now = System.nanoTime();

        static {
            Thread ticker = new Thread(() -> {
                while (true) {
                    now = System.nanoTime();
                    LockSupport.parkNanos(TICK_NANOS);
                }
            }, "resilience-ticker");
            ticker.setDaemon(true);
            ticker.start();
        }

        private Ticker() {
        }
    }

    /** Holder: the timer is created on first use, and its thread with its first task. */
    private static final class Timer {

        static final TimerThread INSTANCE = new TimerThread("resilience-timer");

        private Timer() {
        }
    }

    @Override
    public String toString() {
        return "Clock.system()";
    }
}

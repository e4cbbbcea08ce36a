package dev.resilience.core.hedge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One attempt of a hedged synchronous call, on its thread. Exactly one of its end and its interruption
 * wins the CAS out of {@code RUNNING}; an interrupted attempt waits for the interrupt to land and clears it.
 */
final class SyncAttempt implements Runnable {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SyncAttempt.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;
    private static final int INTERRUPTING = 3;
    private static final int INTERRUPTED = 4;

    private final SyncRace race;
    final int number;
    private Thread thread;
    private long startNanos;
    @SuppressWarnings("unused") // through STATE
    private volatile int state = WAITING;

    SyncAttempt(SyncRace race, int number, Thread thread, long startNanos) {
        this.race = race;
        this.number = number;
        this.thread = thread;
        this.startNanos = startNanos;
        if (thread != null) {
            STATE.setVolatile(this, RUNNING);
        }
    }

    /** Under the race's lock. */
    void begin(Thread runner, long now) {
        this.thread = runner;
        this.startNanos = now;
        STATE.setVolatile(this, RUNNING);
    }

    /** Whether it started (an extra attempt the executor refused never did). */
    boolean ran() {
        return thread != null;
    }

    long startNanos() {
        return startNanos;
    }

    @Override
    public void run() {
        race.run(this);
    }

    boolean finish() {
        return STATE.compareAndSet(this, RUNNING, ENDED);
    }

    /** It lost: interrupt its thread if it is still running. */
    void interrupt() {
        if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
            thread.interrupt();
            STATE.setVolatile(this, INTERRUPTED);
        }
    }

    void awaitInterruptAndClear() {
        while ((int) STATE.getVolatile(this) != INTERRUPTED) {
            Thread.onSpinWait();
        }
        Thread.interrupted();
    }
}

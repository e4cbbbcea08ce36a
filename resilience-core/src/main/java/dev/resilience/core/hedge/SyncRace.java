package dev.resilience.core.hedge;

import java.util.concurrent.locks.LockSupport;

import dev.resilience.core.internal.Invocation;
import dev.resilience.core.spi.Cancellable;

/** A synchronous call whose first extra attempt started: its attempts, one on the caller's thread. */
final class SyncRace implements Runnable {

    private final SyncCall owner;
    private final Hedge.Settings settings;
    private final long delay;
    private final HedgeOutcome outcome;
    private final SyncAttempt[] attempts;
    /** The timer of the next extra attempt, when more may follow. */
    private volatile Cancellable timer = Cancellable.NONE;

    SyncRace(SyncCall owner, Hedge.Settings settings, long delay) {
        this.owner = owner;
        this.settings = settings;
        this.delay = delay;
        this.outcome = new HedgeOutcome(settings.maxHedges);
        this.outcome.launched = 1;
        this.attempts = new SyncAttempt[settings.maxHedges + 1];
        this.attempts[0] = new SyncAttempt(this, 0, owner.caller, owner.start);
    }

    /** On the sweep, once it claimed the call: the first extra attempt. */
    void hedge(long now) {
        owner.stage.hedge.onHedged();
        launchNext(now);
    }

    /** On the timer thread: the next extra attempt is due. */
    @Override
    public void run() {
        launchNext(owner.stage.hedge.clock().nanoTime());
    }

    private void launchNext(long now) {
        SyncAttempt attempt;
        int number;
        synchronized (outcome) {
            number = outcome.launched;
            if (outcome.decided || number > settings.maxHedges || !owner.stage.context.tryExtraAttempt()) {
                return; // decided, all launched, or the retry budget is spent: the attempts under way decide
            }
            attempt = new SyncAttempt(this, number, null, 0);
            attempts[number] = attempt;
            outcome.launched = number + 1;
        }
        owner.stage.hedge.onLaunched(number, now - owner.start);
        if (number < settings.maxHedges) {
            timer = owner.stage.hedge.clock().schedule(this, delay);
        }
        try {
            owner.stage.executor().execute(attempt);
        } catch (Throwable rejected) {
            ended(attempt, null, rejected, false);
        }
    }

    /** On the caller's thread, once its own attempt ended. */
    Object firstAttemptEnded(Object result, Throwable failure) throws Throwable {
        SyncAttempt first = attempts[0];
        boolean stopped = !first.finish();
        if (stopped) {
            first.awaitInterruptAndClear();
        }
        ended(first, result, failure, stopped);
        boolean interrupted = false;
        while (!isDecided()) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
                abandon();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (outcome) {
            if (outcome.failure != null) {
                throw outcome.failure;
            }
            return outcome.value;
        }
    }

    private boolean isDecided() {
        synchronized (outcome) {
            return outcome.decided;
        }
    }

    /** The caller was interrupted while waiting for the extra attempts: stop them, report what it has. */
    private void abandon() {
        SyncAttempt[] losers;
        synchronized (outcome) {
            if (outcome.decided) {
                return;
            }
            outcome.decideWithoutWinner();
            losers = attempts.clone();
        }
        timer.cancel();
        for (SyncAttempt loser : losers) {
            if (loser != null && loser.number != 0) {
                loser.interrupt();
            }
        }
    }

    /** Attempt {@code attempt} ended with {@code result} or {@code thrown}; {@code stopped} if it lost. */
    void ended(SyncAttempt attempt, Object result, Throwable thrown, boolean stopped) {
        Hedge hedge = owner.stage.hedge;
        long now = hedge.clock().nanoTime();
        boolean winning = false;
        if (thrown == null && !stopped) {
            try {
                winning = Hedge.wins(settings, result);
            } catch (Throwable predicateFailed) {
                thrown = predicateFailed;
            }
        }
        boolean decided;
        SyncAttempt[] losers = null;
        synchronized (outcome) {
            // A stopped attempt lost to a decision already made: what it produced is not used.
            decided = outcome.ended(attempt.number, result, thrown, winning && !stopped);
            if (decided && outcome.winner >= 0) {
                losers = attempts.clone();
            }
        }
        if (owner.measured && attempt.ran()) {
            hedge.recordLatency(settings, now - attempt.startNanos());
        }
        if (decided) {
            timer.cancel();
            if (losers != null) {
                for (SyncAttempt loser : losers) {
                    if (loser != null && loser.number != outcome.winner) {
                        loser.interrupt();
                    }
                }
                if (outcome.winner > 0) {
                    hedge.onWon(outcome.winner);
                }
            }
            if (Thread.currentThread() != owner.caller) {
                LockSupport.unpark(owner.caller); // not its own: a permit left over would wake a later park
            }
        }
    }

    /** On an executor thread: extra attempt {@code attempt}, unless the race is already decided. */
    void run(SyncAttempt attempt) {
        synchronized (outcome) {
            if (outcome.decided) {
                return;
            }
            attempt.begin(Thread.currentThread(), owner.stage.hedge.clock().nanoTime());
        }
        Object result = null;
        Throwable failure = null;
        try {
            result = owner.stage.inner.execute(owner.call, owner.kind, owner.argument, Invocation.NO_TIME);
        } catch (Throwable thrown) {
            failure = thrown;
        }
        boolean stopped = !attempt.finish();
        if (stopped) {
            attempt.awaitInterruptAndClear(); // the executor's thread goes back to its pool uninterrupted
        }
        ended(attempt, result, failure, stopped);
    }
}

package dev.resilience.core.hedge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactory;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * How a {@link Hedge} races attempts. Synchronous: the first attempt on the caller's thread, extra attempts on
 * the executor, launched by the hedge's {@link SyncWatch}; a losing attempt's thread is interrupted and its
 * interrupt cleared when it stops. Asynchronous: each attempt is a {@linkplain AsyncExecution#fork() fork} of
 * the execution, so cancelling a loser stops its own future or subscription and hands back what it holds.
 */
final class HedgeStages implements StageFactory<Hedge> {

    @Override
    public SyncStage sync(Hedge hedge, SyncStage inner, StageContext context) {
        return new Sync(hedge, inner, context);
    }

    @Override
    public AsyncStage async(Hedge hedge, AsyncStage inner, StageContext context) {
        return new Async(hedge, inner, context);
    }

    // ---- the outcome of a race, shared by both styles --------------------------------------------------------

    /**
     * What the attempts of one hedged call produced so far, under the race's lock. The first attempt whose
     * result wins decides; when every attempt launched has ended without a winner, the first result that came
     * decides, or else the first attempt's failure with the others' suppressed.
     */
    private static final class Outcome {
        boolean decided;
        int winner = -1;
        Object value;
        Throwable failure;
        boolean hasResult;
        Object firstResult;
        Throwable firstAttemptFailure;
        Throwable[] otherFailures;
        int launched;
        int ended;

        Outcome(int maxHedges) {
            this.otherFailures = new Throwable[maxHedges + 1];
        }

        /** Attempt {@code index} ended. @return whether that decided the race */
        boolean ended(int index, Object result, Throwable thrown, boolean winning) {
            ended++;
            if (decided) {
                return false;
            }
            if (thrown == null && winning) {
                decided = true;
                winner = index;
                value = result;
                return true;
            }
            if (thrown == null) {
                if (!hasResult) {
                    hasResult = true;
                    firstResult = result;
                }
            } else if (index == 0) {
                firstAttemptFailure = thrown;
            } else {
                otherFailures[index] = thrown;
            }
            if (ended == launched) {
                decideWithoutWinner();
                return true;
            }
            return false;
        }

        void decideWithoutWinner() {
            decided = true;
            if (hasResult) {
                value = firstResult;
                return;
            }
            Throwable first = firstAttemptFailure;
            if (first == null) { // the first attempt was stopped (the caller gave up): report the first failure
                for (Throwable other : otherFailures) {
                    if (other != null) {
                        first = other;
                        break;
                    }
                }
            }
            if (first == null) {
                failure = new java.util.concurrent.CancellationException("every attempt was cancelled");
                return;
            }
            for (Throwable other : otherFailures) {
                if (other != null && other != first) {
                    first.addSuppressed(other);
                }
            }
            failure = first;
        }
    }

    // ---- synchronous ------------------------------------------------------------------------------------------

    static final class Sync extends SyncStage {

        final Hedge hedge;
        final SyncStage inner;
        final StageContext context;
        private final Executor defaultExecutor;

        Sync(Hedge hedge, SyncStage inner, StageContext context) {
            this.hedge = hedge;
            this.inner = inner;
            this.context = context;
            this.defaultExecutor = context.executor();
        }

        /**
         * A call that returns before its delay: a clock read, one small object, a CAS into a slot of the hedge's
         * table and one out of it (and, for a percentile delay, a second clock read and a store into the window).
         */
        @Override
        public Object execute(Object call, int kind, Object argument, long startNanos) throws Throwable {
            Hedge.Settings settings = hedge.settings();
            Clock clock = hedge.clock();
            long start = clock.nanoTime();
            boolean measured = hedge.sampleLatency(settings);
            SyncCall watched = new SyncCall(this, call, kind, argument, start, measured);
            SyncWatch watch = hedge.watch();
            int slot = watch.register(watched, hedge.delayNanos(settings));
            hedge.onCall();
            Object result = null;
            Throwable failure = null;
            try {
                result = inner.execute(call, kind, argument, Invocation.NO_TIME);
            } catch (Throwable thrown) {
                failure = thrown;
            }
            if (watch.finish(slot, watched)) {
                if (measured) {
                    hedge.recordLatency(settings, clock.nanoTime() - start);
                }
                if (failure != null) {
                    throw failure;
                }
                return result;
            }
            return watched.awaitRace().firstAttemptEnded(result, failure);
        }

        Executor executor() {
            Executor configured = hedge.config().executor();
            return configured != null ? configured : defaultExecutor;
        }

        @Override
        public String toString() {
            return hedge + " > " + inner;
        }
    }

    /** One synchronous call through a hedge while it is watched: what an extra attempt needs to run. */
    static final class SyncCall {

        final Sync stage;
        final Object call;
        final int kind;
        final Object argument;
        final Thread caller;
        final long start;
        /** Whether its attempts' latency goes into the hedge's window (decided before the call). */
        final boolean measured;
        /** Set by the sweep before it takes the call out of its slot; read by the caller after it found it gone. */
        private volatile SyncRace race;

        SyncCall(Sync stage, Object call, int kind, Object argument, long start, boolean measured) {
            this.stage = stage;
            this.call = call;
            this.kind = kind;
            this.argument = argument;
            this.caller = Thread.currentThread();
            this.start = start;
            this.measured = measured;
        }

        /** On the sweep, before it claims the call: the race the call becomes if the claim succeeds. */
        SyncRace prepareRace(long delay) {
            SyncRace prepared = new SyncRace(this, stage.hedge.settings(), delay);
            race = prepared;
            return prepared;
        }

        /** On the caller's thread, once it found its call claimed by the sweep. */
        SyncRace awaitRace() {
            SyncRace current = race;
            while (current == null) { // set before the claim: only a reordering could show it missing
                Thread.onSpinWait();
                current = race;
            }
            return current;
        }
    }

    /** A synchronous call whose first extra attempt started: its attempts, one on the caller's thread. */
    static final class SyncRace implements Runnable {

        private final SyncCall owner;
        private final Hedge.Settings settings;
        private final long delay;
        private final Outcome outcome;
        private final SyncAttempt[] attempts;
        /** The timer of the next extra attempt, when more may follow. */
        private volatile Cancellable timer = Cancellable.NONE;

        SyncRace(SyncCall owner, Hedge.Settings settings, long delay) {
            this.owner = owner;
            this.settings = settings;
            this.delay = delay;
            this.outcome = new Outcome(settings.maxHedges);
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

    /**
     * One attempt of a hedged synchronous call, on its thread. Exactly one of its end and its interruption
     * wins the CAS out of {@code RUNNING}; an interrupted attempt waits for the interrupt to land and clears it.
     */
    static final class SyncAttempt implements Runnable {

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

    // ---- asynchronous -----------------------------------------------------------------------------------------

    private static final class Async extends AsyncStage {

        private final Hedge hedge;
        private final AsyncStage inner;
        private final StageContext context;

        Async(Hedge hedge, AsyncStage inner, StageContext context) {
            this.hedge = hedge;
            this.inner = inner;
            this.context = context;
        }

        @Override
        public CompletableFuture<Object> execute(AsyncExecution execution, long startNanos) {
            Hedge.Settings settings = hedge.settings();
            Clock clock = hedge.clock();
            long start = clock.nanoTime();
            boolean measured = hedge.sampleLatency(settings);
            hedge.onCall();
            AsyncExecution first = execution.fork();
            CompletableFuture<Object> attempt;
            try {
                attempt = inner.execute(first, Invocation.NO_TIME);
            } catch (Throwable unexpected) {
                attempt = CompletableFuture.failedFuture(unexpected);
            }
            if (attempt.isDone()) {
                if (measured) {
                    hedge.recordLatency(settings, clock.nanoTime() - start);
                }
                return attempt;
            }
            Race race = new Race(execution, settings, start, hedge.delayNanos(settings), measured);
            race.begin(first, attempt);
            return race;
        }

        /** The attempts of one call that did not end at once; completes with the race's outcome. */
        private final class Race extends CompletableFuture<Object> implements Runnable {

            private final AsyncExecution execution;
            private final Hedge.Settings settings;
            private final long start;
            private final long delay;
            private final boolean measured;
            private final Outcome outcome;
            private final AsyncAttempt[] attempts;
            private volatile Cancellable timer = Cancellable.NONE;

            Race(AsyncExecution execution, Hedge.Settings settings, long start, long delay, boolean measured) {
                this.execution = execution;
                this.settings = settings;
                this.start = start;
                this.delay = delay;
                this.measured = measured;
                this.outcome = new Outcome(settings.maxHedges);
                this.attempts = new AsyncAttempt[settings.maxHedges + 1];
            }

            void begin(AsyncExecution first, CompletableFuture<Object> future) {
                AsyncAttempt attempt = new AsyncAttempt(this, 0, start);
                attempt.execution = first;
                attempts[0] = attempt;
                outcome.launched = 1;
                execution.track(this); // the caller's cancellation stops every attempt
                timer = hedge.clock().schedule(this, delay);
                future.whenComplete(attempt);
            }

            /** On the timer thread: the next extra attempt is due; it starts on the executor. */
            @Override
            public void run() {
                if (execution.isDone()) {
                    return;
                }
                AsyncAttempt attempt;
                int number;
                synchronized (outcome) {
                    number = outcome.launched;
                    if (outcome.decided || number > settings.maxHedges || !context.tryExtraAttempt()) {
                        return;
                    }
                    attempt = new AsyncAttempt(this, number, 0);
                    attempts[number] = attempt;
                    outcome.launched = number + 1;
                }
                if (number == 1) {
                    hedge.onHedged();
                }
                hedge.onLaunched(number, hedge.clock().nanoTime() - start);
                if (number < settings.maxHedges) {
                    timer = hedge.clock().schedule(this, delay);
                }
                try {
                    execution.execute(attempt);
                } catch (Throwable rejected) {
                    attempt.accept(null, rejected);
                }
            }

            /** On the executor: extra attempt {@code attempt} starts, unless the race is already decided. */
            void launch(AsyncAttempt attempt) {
                AsyncExecution fork = execution.fork();
                synchronized (outcome) {
                    if (outcome.decided) {
                        outcome.ended++;
                        return;
                    }
                    attempt.execution = fork;
                    attempt.startNanos = hedge.clock().nanoTime();
                }
                CompletableFuture<Object> future;
                try {
                    future = inner.execute(fork, Invocation.NO_TIME);
                } catch (Throwable unexpected) {
                    future = CompletableFuture.failedFuture(unexpected);
                }
                future.whenComplete(attempt);
            }

            void ended(AsyncAttempt attempt, Object value, Throwable thrown) {
                long now = hedge.clock().nanoTime();
                Throwable failure = thrown == null ? null : AsyncExecution.unwrap(thrown);
                boolean winning = false;
                if (failure == null) {
                    try {
                        winning = Hedge.wins(settings, value);
                    } catch (Throwable predicateFailed) {
                        failure = predicateFailed;
                    }
                }
                boolean decided;
                boolean late;
                synchronized (outcome) {
                    late = outcome.decided;
                    decided = outcome.ended(attempt.number, value, failure, winning);
                }
                if (measured && attempt.execution != null) {
                    hedge.recordLatency(settings, now - attempt.startNanos);
                }
                if (late) {
                    if (failure == null) {
                        execution.discard(value); // a loser's value nobody will use: release what it holds
                    }
                    return;
                }
                if (decided) {
                    finish();
                }
            }

            private void finish() {
                timer.cancel();
                stopAttempts(outcome.winner);
                if (outcome.winner > 0) {
                    hedge.onWon(outcome.winner);
                }
                if (outcome.failure != null) {
                    completeExceptionally(outcome.failure);
                } else {
                    complete(outcome.value);
                }
            }

            private void stopAttempts(int except) {
                AsyncAttempt[] all;
                synchronized (outcome) {
                    all = attempts.clone();
                }
                for (AsyncAttempt attempt : all) {
                    if (attempt != null && attempt.number != except && attempt.execution != null) {
                        attempt.execution.cancel(true);
                    }
                }
            }

            /** The caller cancelled (or the execution ended from outside): every attempt stops. */
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
                synchronized (outcome) {
                    outcome.decided = true;
                }
                timer.cancel();
                stopAttempts(-1);
                return super.cancel(mayInterruptIfRunning);
            }
        }

        /** One attempt of a race: the fork it runs in, and the callback its outcome comes through. */
        private static final class AsyncAttempt implements Runnable, BiConsumer<Object, Throwable> {

            private final Race race;
            final int number;
            volatile AsyncExecution execution;
            volatile long startNanos;

            AsyncAttempt(Race race, int number, long startNanos) {
                this.race = race;
                this.number = number;
                this.startNanos = startNanos;
            }

            @Override
            public void run() {
                race.launch(this);
            }

            @Override
            public void accept(Object value, Throwable failure) {
                race.ended(this, value, failure);
            }
        }

        @Override
        public String toString() {
            return hedge + " > " + inner;
        }
    }
}

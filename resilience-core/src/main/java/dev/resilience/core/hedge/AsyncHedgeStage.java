package dev.resilience.core.hedge;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;

/**
 * A hedge around an asynchronous call: each attempt is a {@linkplain AsyncExecution#fork() fork} of the execution,
 * so cancelling a loser stops its own future or subscription and hands back what it holds.
 */
final class AsyncHedgeStage extends AsyncStage {

    private final Hedge hedge;
    private final AsyncStage inner;
    private final StageContext context;

    AsyncHedgeStage(Hedge hedge, AsyncStage inner, StageContext context) {
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
        private final HedgeOutcome outcome;
        private final AsyncAttempt[] attempts;
        private volatile Cancellable timer = Cancellable.NONE;

        Race(AsyncExecution execution, Hedge.Settings settings, long start, long delay, boolean measured) {
            this.execution = execution;
            this.settings = settings;
            this.start = start;
            this.delay = delay;
            this.measured = measured;
            this.outcome = new HedgeOutcome(settings.maxHedges);
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

package dev.resilience.core.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;

/**
 * A named, thread-safe time limit.
 *
 * <p>Synchronous calls run on the caller's thread (transactions, security context and thread-locals stay
 * intact). A timer interrupts that thread at the deadline; as soon as the code reacts (sleep, blocking I/O,
 * waits) the caller gets {@link TimeoutExceededException}. The interrupt is cleared before returning, so it
 * never leaks into the caller's next call, and a race between the call finishing and the timer firing is
 * settled by one CAS.
 *
 * <p>Asynchronous calls: the returned future completes exceptionally at the deadline without blocking any
 * thread, and the call's own future is cancelled.
 */
public final class Timeout {

    private final String name;
    private final TimeoutConfig config;
    private final Clock clock;
    private final EventPublisher events;
    private final long durationNanos;
    private final LongAdder successful = new LongAdder();
    private final LongAdder failedInTime = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    private Timeout(String name, TimeoutConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.durationNanos = Clock.saturatedNanos(config.duration());
    }

    public static Timeout of(String name, Duration duration) {
        return new Timeout(name, TimeoutConfig.of(duration), Clock.system());
    }

    public static Timeout of(String name, TimeoutConfig config) {
        return new Timeout(name, config, Clock.system());
    }

    public static Timeout of(String name, TimeoutConfig config, Clock clock) {
        return new Timeout(name, config, clock);
    }

    /**
     * Runs {@code call} on this thread, interrupting it at the deadline.
     *
     * @throws TimeoutExceededException when the deadline passed first
     * @throws Throwable                whatever {@code call} threw in time, unchanged
     */
    public <T> T execute(CheckedSupplier<T> call) throws Throwable {
        Objects.requireNonNull(call, "call");
        TimedCall timed = start();
        T result;
        try {
            result = call.get();
        } catch (Throwable failure) {
            throw failed(timed, failure);
        }
        return succeeded(timed, result);
    }

    /**
     * Starts the deadline of a call the current thread is about to make, for callers that run the call
     * themselves (as the pipeline does, without wrapping it in a lambda). End it with exactly one of
     * {@link #succeeded} and {@link #failed}, on the same thread.
     */
    public TimedCall start() {
        TimedCall timed = new TimedCall(Thread.currentThread());
        timed.timer = clock.schedule(timed, durationNanos);
        return timed;
    }

    /**
     * The call returned {@code result}.
     *
     * @return {@code result}, when the call returned in time
     * @throws TimeoutExceededException when the deadline passed first (the interrupt is cleared)
     */
    public <T> T succeeded(TimedCall timed, T result) throws TimeoutExceededException {
        if (timed.finishInTime()) {
            timed.timer.cancel();
            successful.increment();
            return result;
        }
        throw timedOut(timed, null);
    }

    /**
     * The call threw {@code failure}.
     *
     * @return what the caller should throw: {@code failure} when it came in time, otherwise a
     *         {@link TimeoutExceededException} with {@code failure} as its cause (the interrupt is cleared)
     */
    public Throwable failed(TimedCall timed, Throwable failure) {
        if (timed.finishInTime()) {
            timed.timer.cancel();
            failedInTime.increment();
            return failure;
        }
        return timedOut(timed, failure);
    }

    private TimeoutExceededException timedOut(TimedCall timed, Throwable cause) {
        timed.awaitInterruptAndClear();
        timedOut.increment();
        events.publish(EventType.TIMEOUT, "", null, null, config.duration());
        return new TimeoutExceededException(name, config.duration(), cause, true);
    }

    /**
     * Runs {@code call} and limits the time its stage may take. Whichever comes first, the stage completing
     * or the deadline, decides the outcome; the deadline decides at the deadline, even when
     * {@code completionExecutor} runs the completion later.
     *
     * @param completionExecutor runs the timeout completion and whatever depends on it, off the timer thread
     */
    public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call,
            Executor completionExecutor) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(completionExecutor, "completionExecutor");
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletionStage<T> stage;
        try {
            stage = call.get();
            if (stage == null) {
                throw new NullPointerException("the asynchronous call returned null instead of a CompletionStage");
            }
        } catch (Throwable failure) {
            failedInTime.increment();
            result.completeExceptionally(failure);
            return result;
        }
        AsyncCall<T> race = new AsyncCall<>(stage, result, completionExecutor);
        race.timer = clock.schedule(race, durationNanos);
        stage.whenComplete(race);
        return result;
    }

    private static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException notCancellable) {
            // A stage that cannot be viewed as a future cannot be cancelled; it finishes on its own.
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    public String name() {
        return name;
    }

    public TimeoutConfig config() {
        return config;
    }

    public EventPublisher events() {
        return events;
    }

    /** The clock this instance reads. */
    public Clock clock() {
        return clock;
    }

    /** Calls that returned in time. */
    public long successfulCalls() {
        return successful.sum();
    }

    /** Calls that threw in time. */
    public long failedCalls() {
        return failedInTime.sum();
    }

    /** Calls that passed their deadline. */
    public long timedOutCalls() {
        return timedOut.sum();
    }

    @Override
    public String toString() {
        return "Timeout[" + name + ", " + config.duration() + "]";
    }

    /**
     * One asynchronous call racing its deadline. Exactly one of {@link #run()} (timer, at the deadline) and
     * {@link #accept} (the stage completing) wins the CAS and decides the outcome.
     */
    private final class AsyncCall<T> extends AtomicBoolean implements Runnable, BiConsumer<T, Throwable> {

        private static final long serialVersionUID = 1L;

        private final transient CompletionStage<T> stage;
        private final transient CompletableFuture<T> result;
        private final transient Executor completionExecutor;
        /** Set before the stage can complete into {@link #accept}. */
        transient volatile Cancellable timer;

        AsyncCall(CompletionStage<T> stage, CompletableFuture<T> result, Executor completionExecutor) {
            this.stage = stage;
            this.result = result;
            this.completionExecutor = completionExecutor;
        }

        /** On the timer thread: decide now, complete on the executor. */
        @Override
        public void run() {
            if (result.isDone() || !compareAndSet(false, true)) {
                return; // finished in time, or the caller cancelled the result
            }
            timedOut.increment();
            try {
                completionExecutor.execute(this::timeOut);
            } catch (RejectedExecutionException shutDown) {
                timeOut(); // better on the timer thread than never
            }
        }

        /** Cancels the call first, so that whoever sees the timeout also sees the call cancelled. */
        private void timeOut() {
            if (config.cancelRunningFuture()) {
                cancel(stage);
            }
            result.completeExceptionally(new TimeoutExceededException(name, config.duration(), null, false));
            events.publish(EventType.TIMEOUT, "", null, null, config.duration());
        }

        /** The stage completed. */
        @Override
        public void accept(T value, Throwable failure) {
            if (!compareAndSet(false, true)) {
                return; // the deadline passed first
            }
            timer.cancel();
            if (failure == null) {
                successful.increment();
                result.complete(value);
            } else {
                failedInTime.increment();
                result.completeExceptionally(unwrap(failure));
            }
        }
    }

    /**
     * One synchronous call racing its deadline, from {@link #start()}. Exactly one of the caller finishing
     * and the timer firing wins the CAS out of {@code RUNNING}; the loser leaves the winner's outcome alone.
     */
    public static final class TimedCall implements Runnable {

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(TimedCall.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int INTERRUPTING = 2;
        private static final int INTERRUPTED = 3;

        private final Thread thread;
        @SuppressWarnings("unused") // accessed through STATE
        private volatile int state;
        private Cancellable timer;

        private TimedCall(Thread thread) {
            this.thread = thread;
        }

        /** On the timer thread, at the deadline. Not for callers. */
        @Override
        public void run() {
            if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
                thread.interrupt();
                STATE.setVolatile(this, INTERRUPTED);
            }
        }

        boolean finishInTime() {
            return STATE.compareAndSet(this, RUNNING, FINISHED);
        }

        /** The timer won: wait for its interrupt to land, then clear it so it cannot hit the next call. */
        void awaitInterruptAndClear() {
            while ((int) STATE.getVolatile(this) != INTERRUPTED) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
        }

        @Override
        public String toString() {
            return "TimedCall[" + thread.getName() + "]";
        }
    }
}

package dev.resilience.core.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.Reconfigurable;
import dev.resilience.core.spi.Cancellable;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;

/**
 * A named, thread-safe time limit.
 *
 * <p>Synchronous calls run on the caller's thread (transactions, security context and thread-locals stay
 * intact). A timer interrupts that thread at the deadline; as soon as the code reacts (sleep, blocking I/O,
 * waits) the caller gets {@link TimeoutExceededException}. The interrupt is cleared before returning, so it
 * never leaks into the caller's next call, and a race between the call finishing and the timer firing is
 * settled by one CAS.
 *
 * <p>Asynchronous calls: the caller's future completes exceptionally at the deadline without blocking any
 * thread. The call's own future is left running by default (cancelling a {@code CompletableFuture} stops no
 * work, it only hides it): an enclosed bulkhead keeps counting it until it completes. With
 * {@link TimeoutConfig#cancelRunningFuture()} it is cancelled at the deadline instead.
 *
 * <p>Run calls through a {@code ResiliencePipeline}; this class holds the limit, its counters and events.
 */
public final class Timeout implements Reconfigurable<TimeoutConfig> {

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    /** The config in use, replaced whole by {@link #reconfigure}. */
    private volatile Settings settings;
    private final LongAdder successful = new LongAdder();
    private final LongAdder failedInTime = new LongAdder();
    private final LongAdder timedOut = new LongAdder();

    static {
        StageFactories.register(Timeout.class, new TimeoutStages());
    }

    private Timeout(String name, TimeoutConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
    }

    /** A config and its limit in nanoseconds. */
    static final class Settings {
        final TimeoutConfig config;
        final long durationNanos;

        Settings(TimeoutConfig config) {
            this.config = config;
            this.durationNanos = Clock.saturatedNanos(config.duration());
        }
    }

    /** The settings a call starting now uses. */
    Settings settings() {
        return settings;
    }

    /**
     * Uses {@code config} for the calls that start from now on; a call under way keeps the deadline it
     * started with. The counters are kept. A {@link EventType#TIMEOUT_CONFIG_CHANGED} event is published.
     */
    @Override
    public void reconfigure(TimeoutConfig config) {
        settings = new Settings(Objects.requireNonNull(config, "config"));
        events.publish(EventType.TIMEOUT_CONFIG_CHANGED, config.toString());
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
     * Starts the deadline of a call the current thread is about to make. The stage ends it with exactly one
     * of {@link #succeeded} and {@link #failed}, on the same thread.
     */
    TimedCall start() {
        Settings current = settings;
        TimedCall timed = new TimedCall(Thread.currentThread(), current.config.duration());
        timed.timer = clock.schedule(timed, current.durationNanos);
        return timed;
    }

    /**
     * The call returned {@code result}.
     *
     * @return {@code result}, when the call returned in time
     * @throws TimeoutExceededException when the deadline passed first (the interrupt is cleared)
     */
    <T> T succeeded(TimedCall timed, T result) throws TimeoutExceededException {
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
    Throwable failed(TimedCall timed, Throwable failure) {
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
        publishTimeout(timed.limit);
        return new TimeoutExceededException(name, timed.limit, cause, true);
    }

    public String name() {
        return name;
    }

    @Override
    public TimeoutConfig config() {
        return settings.config;
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

    /** The limit in nanoseconds. */
    long durationNanos() {
        return settings.durationNanos;
    }

    void countSuccess() {
        successful.increment();
    }

    void countFailureInTime() {
        failedInTime.increment();
    }

    void countTimeout() {
        timedOut.increment();
    }

    /** Reports a deadline that passed. */
    void publishTimeout(Duration limit) {
        events.publish(EventType.TIMEOUT, "", null, null, limit);
    }

    /** Calls that passed their deadline. */
    public long timedOutCalls() {
        return timedOut.sum();
    }

    /**
     * Back to how the timeout was built, for tests (resilience-test calls it between two tests): every counter
     * at zero. A call still running keeps its deadline.
     */
    public void resetToInitialState() {
        successful.reset();
        failedInTime.reset();
        timedOut.reset();
    }

    @Override
    public String toString() {
        return "Timeout[" + name + ", " + settings.config.duration() + "]";
    }

    /**
     * One synchronous call racing its deadline, from {@link #start()}. Exactly one of the caller finishing
     * and the timer firing wins the CAS out of {@code RUNNING}; the loser leaves the winner's outcome alone.
     */
    static final class TimedCall implements Runnable {

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
        /** The limit this call started with. */
        private final Duration limit;
        @SuppressWarnings("unused") // accessed through STATE
        private volatile int state;
        private Cancellable timer;

        private TimedCall(Thread thread, Duration limit) {
            this.thread = thread;
            this.limit = limit;
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

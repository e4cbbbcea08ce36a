package dev.resilience.core.circuitbreaker;

import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.Outcomes;
import dev.resilience.core.Reconfigurable;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;

/**
 * A named, thread-safe circuit breaker. Stops calls to a downstream that keeps failing or keeps being slow,
 * and lets a few trial calls through after a while to find out whether it has recovered.
 *
 * <p>Low-level use (the {@code ResiliencePipeline} does this for you):
 * <pre>{@code
 * CircuitBreaker.Permit permit = breaker.acquirePermit();   // throws CircuitBreakerOpenException
 * long start = clock.nanoTime();          // coarseNanoTime() will do unless needsPreciseTiming()
 * try {
 *     T result = call();
 *     permit.onResult(clock.nanoTime() - start, result);
 *     return result;
 * } catch (Throwable t) {
 *     permit.onError(clock.nanoTime() - start, t);
 *     throw t;
 * }
 * }</pre>
 *
 * <p>In CLOSED state, acquiring a permit is one volatile read and a successful call one striped counter
 * increment (with a count-based window, the window's count is also the lifetime count): no lock, no
 * allocation.
 *
 * <p>Reading the breaker ({@link #state()}, {@link #snapshot()}) never changes it. Calls and time do: an OPEN
 * breaker schedules a task on its {@link Clock} that moves it to HALF_OPEN when the wait ends, unless a call
 * after the wait comes first. The listeners of a transition made by such a task run on the clock's timer
 * thread, and must be short.
 */
public final class CircuitBreaker implements Reconfigurable<CircuitBreakerConfig> {

    /** The states of a breaker. */
    public enum State {
        /** Calls pass; outcomes are recorded in the sliding window. */
        CLOSED,
        /** Calls are rejected until the wait duration has passed. */
        OPEN,
        /** A fixed number of trial calls pass; their outcomes decide between CLOSED and OPEN. */
        HALF_OPEN,
        /** Calls are rejected until the state is changed by hand. */
        FORCED_OPEN,
        /** Calls pass; nothing is recorded. */
        DISABLED
    }

    /**
     * Permission for one call, to be completed exactly once with its outcome, or released when the call did
     * not happen. Durations are in nanoseconds of the breaker's clock.
     */
    public interface Permit {

        /** The call returned normally. */
        void onSuccess(long durationNanos);

        /**
         * The call returned {@code result}; the config's result predicate decides if it counts as failed. When
         * the predicate itself throws, nothing is counted, the permit is handed back and the exception
         * propagates.
         */
        void onResult(long durationNanos, Object result);

        /** The call threw {@code failure}; the config decides whether it is counted. */
        void onError(long durationNanos, Throwable failure);

        /** The call did not take place (or must not count): hand the permit back. */
        void release();
    }

    private static final int TRANSITION_HISTORY = 20;

    static {
        StageFactories.register(CircuitBreaker.class, new CircuitBreakerStages());
    }

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    private final AtomicReference<BreakerState> state;
    /** The config in use with what is derived from it, replaced whole by {@link #reconfigure}. */
    private volatile Settings settings;

    /** Lifetime counts of calls recorded in CLOSED or HALF_OPEN (each window counts its own calls). */
    final LongAdder successful = new LongAdder();
    /** Fast successes that count-based windows counted, moved here when their state was left. */
    final LongAdder movedFastSuccesses = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder ignored = new LongAdder();
    private final LongAdder notPermitted = new LongAdder();
    private final ArrayDeque<StateTransition> transitions = new ArrayDeque<>();

    private CircuitBreaker(String name, CircuitBreakerConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.state = new AtomicReference<>(newClosedState());
    }

    /** A breaker with the built-in defaults and the system clock. */
    public static CircuitBreaker ofDefaults(String name) {
        return new CircuitBreaker(name, CircuitBreakerConfig.ofDefaults(), Clock.system());
    }

    /** A breaker with {@code config} and the system clock. */
    public static CircuitBreaker of(String name, CircuitBreakerConfig config) {
        return new CircuitBreaker(name, config, Clock.system());
    }

    /** A breaker with {@code config}, timed by {@code clock}. */
    public static CircuitBreaker of(String name, CircuitBreakerConfig config, Clock clock) {
        return new CircuitBreaker(name, config, clock);
    }

    /**
     * Permission for one call.
     *
     * @throws CircuitBreakerOpenException when the call is not permitted
     */
    public Permit acquirePermit() {
        BreakerState current = state.get();
        BreakerState permit = current.tryAcquire();
        if (permit == null) {
            throw rejected();
        }
        return permit;
    }

    /** Permission for one call, or {@code null} (counted as not permitted) when the call may not proceed. */
    public Permit tryAcquirePermit() {
        BreakerState permit = state.get().tryAcquire();
        if (permit == null) {
            notPermitted();
        }
        return permit;
    }

    private CircuitBreakerOpenException rejected() {
        notPermitted();
        BreakerState current = state.get();
        return new CircuitBreakerOpenException(name, current.name(), current.remainingOpenNanos(),
                settings.config.writableStackTrace());
    }

    private void notPermitted() {
        notPermitted.increment();
        events.publish(EventType.NOT_PERMITTED, "");
    }

    /**
     * The current state. Reading it changes nothing: an OPEN breaker becomes HALF_OPEN when its wait ends, by
     * a task on the breaker's {@link Clock} or the first call after the wait, whichever comes first.
     */
    public State state() {
        return state.get().name();
    }

    /** Everything the breaker shows at this moment; like {@link #state()}, reading it changes nothing. */
    public CircuitBreakerSnapshot snapshot() {
        BreakerState current = state.get();
        WindowMetrics metrics = current.metrics();
        boolean rated = current.ratesAvailable(metrics);
        return new CircuitBreakerSnapshot(current.name(), rated ? metrics.failureRate() : -1,
                rated ? metrics.slowCallRate() : -1, metrics.buffered(), metrics.failed(), metrics.slow(),
                notPermitted.sum(), current.remainingOpenTime());
    }

    /**
     * Moves the breaker to {@code target} by hand, starting that state afresh (a new window for CLOSED, a
     * full wait for OPEN, all trial permits for HALF_OPEN). Does nothing when already in {@code target}. An
     * OPEN breaker whose wait has passed moves to HALF_OPEN first, as the next call would have made it.
     */
    public void transitionTo(State target) {
        Objects.requireNonNull(target, "target");
        while (true) {
            BreakerState current = afterDueWait(state.get());
            if (current.name() == target || transition(current, target, "changed by hand")) {
                return;
            }
        }
    }

    /** Back to a fresh CLOSED state with an empty window, whatever the current state. */
    public void reset() {
        while (true) {
            BreakerState current = state.get();
            if (transition(current, State.CLOSED, "reset")) {
                return;
            }
        }
    }

    /**
     * Back to how the breaker was built, for tests (resilience-test calls it between two tests): a fresh CLOSED
     * state with an empty window, every counter at zero and no transition history. Unlike {@link #reset()} it
     * is not a transition: nothing is recorded and no event is published. A call still in flight reports to
     * the state that admitted it, which is gone: it counts nowhere.
     */
    public void resetToInitialState() {
        BreakerState fresh = newClosedState();
        BreakerState previous = state.getAndSet(fresh);
        previous.onExit(); // stops the old state's timers
        successful.reset();
        movedFastSuccesses.reset();
        failed.reset();
        ignored.reset();
        notPermitted.reset();
        synchronized (transitions) {
            transitions.clear();
        }
        fresh.onEntry();
    }

    /** The most recent state changes, oldest first (at most 20). */
    public List<StateTransition> transitions() {
        synchronized (transitions) {
            return List.copyOf(transitions);
        }
    }

    public String name() {
        return name;
    }

    @Override
    public CircuitBreakerConfig config() {
        return settings.config;
    }

    /**
     * Uses {@code config} from now on, keeping the state, the counters and the transition history:
     * <ul>
     * <li>thresholds, the slow-call duration, recorded and ignored exceptions, the result predicate: at once,
     * for the calls recorded from now on; a CLOSED breaker whose window already exceeds a new threshold opens
     * now;</li>
     * <li>the window's type or size (its shape): a CLOSED breaker starts a fresh, empty window of the new
     * shape and stays CLOSED (calls still running report to the old window, and count nowhere but in the
     * lifetime counts); any other state keeps its state and the next CLOSED state gets the new shape. A
     * changed minimum number of calls keeps the window and its calls;</li>
     * <li>the wait in OPEN: at once, counted from when the breaker opened (a wait that has already passed
     * moves it to HALF_OPEN now);</li>
     * <li>trial calls and the max wait in HALF_OPEN: from the next HALF_OPEN state (the trials under way
     * finish under the old ones, and are judged by the new thresholds).</li>
     * </ul>
     * Not a state transition: nothing is added to {@link #transitions()}; a
     * {@link EventType#CIRCUIT_BREAKER_CONFIG_CHANGED} event is published.
     */
    @Override
    public synchronized void reconfigure(CircuitBreakerConfig config) {
        settings = new Settings(Objects.requireNonNull(config, "config"));
        // States made from now on read the new settings; a state made before holds the old window shape or
        // wait, and is swapped for its equivalent. A transition racing with this may install a state made
        // just before: the loop sees it and swaps it too.
        while (true) {
            BreakerState current = state.get();
            BreakerState replacement = current.reconfigured();
            if (replacement == null) {
                break;
            }
            if (state.compareAndSet(current, replacement)) {
                current.onExit();
                replacement.onEntry();
                break;
            }
        }
        events.publish(EventType.CIRCUIT_BREAKER_CONFIG_CHANGED, config.toString());
        if (state.get() instanceof ClosedState closed) {
            closed.evaluate(); // the thresholds apply to the calls already in the window
        }
    }

    /** Subscribe here to this breaker's events. */
    public EventPublisher events() {
        return events;
    }

    /** Below this slow-call threshold, durations are measured with {@link Clock#nanoTime()}. */
    private static final long COARSE_TIMING_FROM_NANOS = 1_000_000_000L;

    /**
     * Whether calls must be timed with {@link Clock#nanoTime()}: a slow-call threshold under one second.
     * Longer thresholds are judged with {@link Clock#coarseNanoTime()}, whose few milliseconds of lag do not
     * matter there and which costs a volatile read instead of a system clock call.
     */
    public boolean needsPreciseTiming() {
        return settings.preciseTiming;
    }

    /** The clock this breaker reads. */
    public Clock clock() {
        return clock;
    }

    /** Calls recorded as successful since the breaker was created (slow successes included). */
    public long successfulCalls() {
        long counted = successful.sum() + movedFastSuccesses.sum();
        return state.get() instanceof ClosedState closed ? counted + closed.unmovedFastSuccesses() : counted;
    }

    /** Calls recorded as failed since the breaker was created. */
    public long failedCalls() {
        return failed.sum();
    }

    /** Failures not counted (ignored types, caller interruptions, {@link Outcomes#ignore}) since creation. */
    public long ignoredCalls() {
        return ignored.sum();
    }

    /** Calls rejected since the breaker was created. */
    public long notPermittedCalls() {
        return notPermitted.sum();
    }

    // ---- used by the states ------------------------------------------------------------------------------

    enum Verdict { SUCCESS, FAILURE, IGNORED }

    Verdict classify(Throwable thrown, Settings settings) {
        if (Outcomes.isMarkedAsSuccess(thrown)) {
            return Verdict.SUCCESS;
        }
        if (Outcomes.isIgnored(thrown)) {
            return Verdict.IGNORED;
        }
        Throwable failure = Outcomes.unwrap(thrown);
        CircuitBreakerConfig config = settings.config;
        if (!config.countCallerInterruption() && isCallerInterruption(failure)) {
            return Verdict.IGNORED;
        }
        if (config.recordedFailures().excludes(failure)) {
            return Verdict.IGNORED;
        }
        // As in Resilience4j: with a record list, a failure not on it is a normal outcome, counted as success.
        return config.recordedFailures().matches(failure) ? Verdict.FAILURE : Verdict.SUCCESS;
    }

    private static boolean isCallerInterruption(Throwable failure) {
        return failure instanceof InterruptedException
                || failure instanceof CancellationException
                || failure instanceof ClosedByInterruptException
                || (failure instanceof InterruptedIOException && !(failure instanceof SocketTimeoutException));
    }

    /**
     * The settings in use, with what the hot path derives from them: a call reads them once, when it starts,
     * and its outcome is judged by them.
     */
    Settings settings() {
        return settings;
    }

    /** The wait in OPEN now. */
    long waitNanos() {
        return settings.waitNanos;
    }

    /** Why the thresholds are exceeded, or {@code null} when they are not. */
    String thresholdExceeded(WindowMetrics metrics) {
        CircuitBreakerConfig config = settings.config;
        float failureRate = metrics.failureRate();
        if (failureRate >= config.failureRateThreshold()) {
            return "failure rate " + percent(failureRate) + " >= " + percent(config.failureRateThreshold());
        }
        float slowRate = metrics.slowCallRate();
        if (slowRate >= config.slowCallRateThreshold()) {
            return "slow call rate " + percent(slowRate) + " >= " + percent(config.slowCallRateThreshold());
        }
        return null;
    }

    String ratesBelowThresholds(WindowMetrics metrics) {
        CircuitBreakerConfig config = settings.config;
        return "failure rate " + percent(metrics.failureRate()) + " < " + percent(config.failureRateThreshold())
                + ", slow call rate " + percent(metrics.slowCallRate()) + " < "
                + percent(config.slowCallRateThreshold());
    }

    /**
     * Why {@code failed} (or {@code slow}) of {@code trials} half-open trials already reach a threshold, even
     * if every other trial succeeds fast; {@code null} when they do not.
     */
    String trialsExceedThreshold(int failed, int slow, int trials) {
        WindowMetrics atLeast = new WindowMetrics(trials, failed, slow);
        CircuitBreakerConfig config = settings.config;
        if (atLeast.failureRate() >= config.failureRateThreshold()) {
            return failed + " of " + trials + " failed, failure rate at least " + percent(atLeast.failureRate())
                    + " >= " + percent(config.failureRateThreshold());
        }
        if (atLeast.slowCallRate() >= config.slowCallRateThreshold()) {
            return slow + " of " + trials + " slow, slow call rate at least " + percent(atLeast.slowCallRate())
                    + " >= " + percent(config.slowCallRateThreshold());
        }
        return null;
    }

    /**
     * Why neither rate can reach its threshold once {@code finished} of {@code trials} half-open trials are
     * in, even if every other trial fails slowly; {@code null} when one still could.
     */
    String trialsStayBelowThresholds(int finished, int failed, int slow, int trials) {
        int unknown = trials - finished;
        CircuitBreakerConfig config = settings.config;
        WindowMetrics atMost = new WindowMetrics(trials, Math.min(trials, failed + unknown),
                Math.min(trials, slow + unknown));
        if (atMost.failureRate() >= config.failureRateThreshold()
                || atMost.slowCallRate() >= config.slowCallRateThreshold()) {
            return null;
        }
        return finished + " of " + trials + " finished, failure rate at most " + percent(atMost.failureRate())
                + " < " + percent(config.failureRateThreshold()) + ", slow call rate at most "
                + percent(atMost.slowCallRate()) + " < " + percent(config.slowCallRateThreshold());
    }

    private static String percent(float value) {
        float rounded = Math.round(value * 10) / 10f;
        return (rounded == (long) rounded ? String.valueOf((long) rounded)
                : String.format(Locale.ROOT, "%.1f", rounded)) + "%";
    }

    /** OPEN whose wait has passed: move to HALF_OPEN (whoever wins the CAS) and return the current state. */
    BreakerState halfOpenAfterWait(OpenState open) {
        transition(open, State.HALF_OPEN, OpenState.WAIT_ELAPSED);
        return state.get();
    }

    private BreakerState afterDueWait(BreakerState current) {
        return current instanceof OpenState open && open.waitElapsed() ? halfOpenAfterWait(open) : current;
    }

    /**
     * Swaps {@code from} for a fresh {@code to} state; {@code false} when another thread moved first. The CAS
     * decides, so each state is left once, with one recorded transition and one event.
     */
    boolean transition(BreakerState from, State to, String reason) {
        BreakerState next = newState(to, from);
        if (!state.compareAndSet(from, next)) {
            return false;
        }
        from.onExit();
        StateTransition transition = new StateTransition(from.name(), to,
                Instant.ofEpochMilli(clock.currentTimeMillis()), reason);
        synchronized (transitions) {
            if (transitions.size() == TRANSITION_HISTORY) {
                transitions.removeFirst();
            }
            transitions.addLast(transition);
        }
        events.publish(EventType.STATE_TRANSITION, from.name() + "->" + to, reason, null, null);
        // After the event: a timer that fires at once must not publish its transition before this one.
        next.onEntry();
        return true;
    }

    private BreakerState newState(State to, BreakerState from) {
        return switch (to) {
            case CLOSED -> newClosedState();
            case OPEN -> new OpenState(this, clock.coarseNanoTime(), from);
            case HALF_OPEN -> new HalfOpenState(this);
            case FORCED_OPEN -> new ForcedOpenState(this);
            case DISABLED -> new DisabledState(this);
        };
    }

    ClosedState newClosedState() {
        CircuitBreakerConfig config = settings.config;
        SlidingWindow window = config.slidingWindowType() == SlidingWindowType.COUNT_BASED
                ? new CountBasedWindow(config.slidingWindowSize(), config.minimumNumberOfCalls())
                : new TimeBasedWindow(config.slidingWindowSize(), clock);
        return new ClosedState(this, window);
    }

    void publishCall(EventType type, Throwable failure, long durationNanos) {
        if (events.isListening(type)) {
            events.publish(type, "", null, Outcomes.unwrap(failure), Duration.ofNanos(durationNanos));
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + state() + "]";
    }

    /** A config and what the hot path derives from it, read with one volatile read. */
    static final class Settings {
        final CircuitBreakerConfig config;
        final long slowCallThresholdNanos;
        final long waitNanos;
        final boolean preciseTiming;
        final Predicate<Object> recordResult;

        Settings(CircuitBreakerConfig config) {
            this.config = config;
            this.recordResult = config.recordResult();
            this.slowCallThresholdNanos = Clock.saturatedNanos(config.slowCallDurationThreshold());
            this.waitNanos = Clock.saturatedNanos(config.waitDurationInOpenState());
            this.preciseTiming = slowCallThresholdNanos < COARSE_TIMING_FROM_NANOS;
        }
    }
}

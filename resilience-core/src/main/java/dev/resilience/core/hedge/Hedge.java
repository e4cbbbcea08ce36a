package dev.resilience.core.hedge;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import dev.resilience.core.Reconfigurable;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.spi.Clock;

/**
 * A named, thread-safe hedging policy: when a call is slow, it sends an extra copy of it and takes whichever
 * answers first, cutting the tail latency of idempotent calls at the price of a little more load. Only for
 * calls that may safely run twice.
 *
 * <p>After {@link HedgeConfig#delay()} without an outcome, a second attempt starts beside the first (up to
 * {@link HedgeConfig#maxHedges()} extra attempts, one per delay). The first successful result wins (or the
 * first that {@link HedgeConfig#cancelOnResult()} accepts); the other attempts are cancelled: a synchronous
 * attempt's thread is interrupted (and its interrupt cleared once it stops), an asynchronous attempt's future
 * or subscription is cancelled. If every attempt fails, the caller gets the first attempt's failure, with the
 * others' suppressed.
 *
 * <p>A synchronous call's first attempt runs on the caller's thread; the extra attempts on the configured
 * executor (or the pipeline's). The delay of a synchronous call is not a timer per call: one sweep per hedge
 * looks at the calls in flight when the earliest of them is due, so a call that returns before its delay costs
 * a clock read, a CAS into a slot and one out of it, and its small record. A percentile delay follows the
 * latency of the last {@value LatencyWindow#SIZE} measured attempts (every call's until 50 are measured, then
 * one call in {@value LatencyWindow#SAMPLE_EVERY}, chosen before it starts).
 *
 * <p>In a pipeline, a hedge sits inside the retry and outside the breaker, limits and timeout: each attempt
 * passes through them, and each extra attempt is taken from the retry's budget, if it has one.
 */
public final class Hedge implements Reconfigurable<HedgeConfig> {

    static {
        StageFactories.register(Hedge.class, new HedgeStages());
    }

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    private volatile HedgeConfig config;
    private volatile Settings settings;
    private final LatencyWindow latencies;
    private final SyncWatch watch;
    private final LongAdder calls = new LongAdder();
    private final LongAdder hedgedCalls = new LongAdder();
    private final LongAdder hedgesLaunched = new LongAdder();
    private final LongAdder hedgeWins = new LongAdder();

    private Hedge(String name, HedgeConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
        this.settings = new Settings(config);
        this.latencies = new LatencyWindow(config.delay().isPercentile() ? config.delay().percentile() : 50);
        this.watch = new SyncWatch(this);
    }

    public static Hedge ofDefaults(String name) {
        return new Hedge(name, HedgeConfig.ofDefaults(), Clock.system());
    }

    public static Hedge of(String name, HedgeConfig config) {
        return new Hedge(name, config, Clock.system());
    }

    public static Hedge of(String name, HedgeConfig config, Clock clock) {
        return new Hedge(name, config, clock);
    }

    /** The settings a call reads, derived once per config. */
    static final class Settings {
        final int maxHedges;
        final boolean percentile;
        final long fixedNanos;
        final long fallbackNanos;
        final Predicate<Object> cancelOnResult;

        Settings(HedgeConfig config) {
            this.maxHedges = config.maxHedges();
            this.percentile = config.delay().isPercentile();
            this.fixedNanos = percentile ? 0 : Clock.saturatedNanos(config.delay().duration());
            this.fallbackNanos = Clock.saturatedNanos(config.delayFallback());
            this.cancelOnResult = config.cancelOnResult();
        }
    }

    Settings settings() {
        return settings;
    }

    SyncWatch watch() {
        return watch;
    }

    /** The delay before the next extra attempt of a call starting now. */
    long delayNanos(Settings current) {
        if (!current.percentile) {
            return current.fixedNanos;
        }
        long measured = latencies.percentileNanos(); // 0 until enough attempts are measured
        return measured > 0 ? measured : current.fallbackNanos;
    }

    /** Whether the latency of the call starting now is measured (a percentile delay samples its calls). */
    boolean sampleLatency(Settings current) {
        return current.percentile && latencies.sample();
    }

    /** An attempt took {@code nanos}: measured for a percentile delay. */
    void recordLatency(Settings current, long nanos) {
        if (current.percentile) {
            latencies.record(nanos);
        }
    }

    /** Whether a successful {@code result} wins and cancels the other attempts. */
    static boolean wins(Settings current, Object result) {
        return current.cancelOnResult == null || current.cancelOnResult.test(result);
    }

    /** A call through the hedge started. */
    void onCall() {
        calls.increment();
    }

    /** A call got its first extra attempt. */
    void onHedged() {
        hedgedCalls.increment();
    }

    /** Extra attempt number {@code attempt} (1 for the first) started. */
    void onLaunched(int attempt, long delayNanos) {
        hedgesLaunched.increment();
        if (events.isListening(EventType.HEDGE_LAUNCHED)) {
            events.publish(EventType.HEDGE_LAUNCHED, "extra attempt " + attempt + " after "
                    + Duration.ofNanos(delayNanos).toMillis() + "ms", null, null, Duration.ofNanos(delayNanos));
        }
    }

    /** Extra attempt number {@code attempt} won. */
    void onWon(int attempt) {
        hedgeWins.increment();
        if (events.isListening(EventType.HEDGE_WON)) {
            events.publish(EventType.HEDGE_WON, "extra attempt " + attempt + " won");
        }
    }

    public String name() {
        return name;
    }

    @Override
    public HedgeConfig config() {
        return config;
    }

    /**
     * Uses {@code config} from the next call on. Counters and measured latency are kept; a call already in
     * flight keeps the delay and limits it started with.
     */
    @Override
    public void reconfigure(HedgeConfig config) {
        Objects.requireNonNull(config, "config");
        this.config = config;
        if (config.delay().isPercentile()) {
            latencies.percentile(config.delay().percentile());
        }
        this.settings = new Settings(config);
        events.publish(EventType.HEDGE_CONFIG_CHANGED, config.toString());
    }

    public Clock clock() {
        return clock;
    }

    public EventPublisher events() {
        return events;
    }

    /** The delay a call starting now would wait before its first extra attempt. */
    public Duration currentDelay() {
        return Duration.ofNanos(delayNanos(settings));
    }

    /**
     * Attempts measured for a percentile delay (counting from creation, not only those in the window). Counted
     * without a lock: under contention it may lag behind a little.
     */
    public long measuredAttempts() {
        return latencies.measured();
    }

    /** Calls made through the hedge. */
    public long calls() {
        return calls.sum();
    }

    /** Calls that got at least one extra attempt. */
    public long hedgedCalls() {
        return hedgedCalls.sum();
    }

    /** Extra attempts started. */
    public long hedgesLaunched() {
        return hedgesLaunched.sum();
    }

    /** Calls whose outcome came from an extra attempt. */
    public long hedgeWins() {
        return hedgeWins.sum();
    }

    /** Back to how the hedge was built, for tests: counters at zero, no latency measured. */
    public void resetToInitialState() {
        calls.reset();
        hedgedCalls.reset();
        hedgesLaunched.reset();
        hedgeWins.reset();
        latencies.reset();
    }

    @Override
    public String toString() {
        return "Hedge[" + name + ", maxHedges=" + config.maxHedges() + ", delay=" + config.delay() + "]";
    }
}

package dev.resilience.core.chaos;

import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import dev.resilience.core.Reconfigurable;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.spi.Clock;

/**
 * Fault injection, innermost in a pipeline (right around the call), so every outer policy reacts as to a real
 * fault: a share of calls fails with the configured exception, a share is delayed. Switched on and off, and
 * re-configured, at run time; while off it costs one volatile read per call. Injected exceptions carry an
 * {@link InjectedFaultException} (or are one), and its own events and counters say what was injected.
 */
public final class Chaos implements Reconfigurable<ChaosConfig> {

    static {
        StageFactories.register(Chaos.class, new ChaosStages());
    }

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    private final ChaosConfig initialConfig;
    private final ChaosRandom initialRandom;
    private volatile Settings settings;
    private volatile ChaosRandom random;
    private final LongAdder faults = new LongAdder();
    private final LongAdder latencies = new LongAdder();

    private Chaos(String name, ChaosConfig config, Clock clock, ChaosRandom random) {
        this.name = Validation.name(name);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.events = new EventPublisher(name, clock);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
        this.initialConfig = config;
        this.initialRandom = random;
    }

    public static Chaos of(String name, ChaosConfig config, Clock clock) {
        return new Chaos(name, config, clock, ChaosRandom.unseeded());
    }

    public static Chaos of(String name, ChaosConfig config, Clock clock, ChaosRandom random) {
        return new Chaos(name, config, clock, random);
    }

    /** The settings now and what they were made from. */
    private static final class Settings {
        final ChaosConfig config;
        final boolean active;
        final long latencyNanos;
        final Constructor<? extends Throwable> exception;

        Settings(ChaosConfig config) {
            this.config = config;
            this.active = config.enabled() && (config.faultRate() > 0
                    || (config.latencyRate() > 0 && !config.latency().isZero()));
            this.latencyNanos = Clock.saturatedNanos(config.latency());
            this.exception = Exceptions.constructor(config.exception());
        }
    }

    /** Replaces the settings at once (the next call uses them), e.g. from the actuator. */
    public void configure(ChaosConfig config) {
        settings = new Settings(Objects.requireNonNull(config, "config"));
        events.publish(EventType.CHAOS_CHANGED, config.toString());
    }

    /**
     * As {@link #configure}: the next call uses {@code config}; the counters are kept. A
     * {@link EventType#CHAOS_CHANGED} event is published.
     */
    @Override
    public void reconfigure(ChaosConfig config) {
        configure(config);
    }

    /** Switches injection on or off, keeping the other settings. */
    public void enable(boolean enabled) {
        configure(ChaosConfig.from(settings.config).enabled(enabled).build());
    }

    /** Draws from {@code random} from now on: a test's seeded source. */
    public void useRandom(ChaosRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Whether anything may be injected now: the one check a call pays while injection is off. */
    boolean active() {
        return settings.active;
    }

    /** The delay to inject before this call, in nanoseconds; 0 for none. Counted and published. */
    long drawLatency() {
        Settings current = settings;
        if (current.latencyNanos == 0 || current.config.latencyRate() == 0
                || random.nextDouble() >= current.config.latencyRate()) {
            return 0;
        }
        latencies.increment();
        if (events.isListening(EventType.CHAOS_LATENCY_INJECTED)) {
            events.publish(EventType.CHAOS_LATENCY_INJECTED, "delayed " + current.config.latency().toMillis() + "ms",
                    null, null, current.config.latency());
        }
        return current.latencyNanos;
    }

    /** The fault to inject in place of this call, or {@code null}. Counted and published. */
    Throwable drawFault() {
        Settings current = settings;
        if (current.config.faultRate() == 0 || random.nextDouble() >= current.config.faultRate()) {
            return null;
        }
        faults.increment();
        Throwable fault = Exceptions.make(current.exception, "injected by chaos '" + name + "'");
        if (events.isListening(EventType.CHAOS_FAULT_INJECTED)) {
            events.publish(EventType.CHAOS_FAULT_INJECTED, null, null, fault, null);
        }
        return fault;
    }

    public String name() {
        return name;
    }

    @Override
    public ChaosConfig config() {
        return settings.config;
    }

    public Clock clock() {
        return clock;
    }

    public EventPublisher events() {
        return events;
    }

    /** Faults injected since creation. */
    public long injectedFaults() {
        return faults.sum();
    }

    /** Delays injected since creation. */
    public long injectedLatencies() {
        return latencies.sum();
    }

    /**
     * For integrations that answer instead of throwing (HTTP clients): whether to fail this call, counting and
     * publishing it like {@link #drawFault()}.
     */
    public boolean injectFault() {
        return settings.active && drawFault() != null;
    }

    /** For integrations: the delay to inject before this call (0 for none), counted and published. */
    public Duration injectLatency() {
        return settings.active ? Duration.ofNanos(drawLatency()) : Duration.ZERO;
    }

    /**
     * Back to how it was built, for tests (resilience-test calls it between two tests): the settings it was
     * built with (whatever {@link #configure} or {@link #enable} changed since), the random source it was built
     * with, the counters at zero. Publishes no event.
     */
    public void resetToInitialState() {
        settings = new Settings(initialConfig);
        random = initialRandom;
        faults.reset();
        latencies.reset();
    }

    @Override
    public String toString() {
        return "Chaos[" + name + "]";
    }
}

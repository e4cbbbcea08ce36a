package dev.resilience.core.retry;

import dev.resilience.core.RetryAfterHint;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
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
 * A named, thread-safe retry policy: decides whether a failed attempt is tried again and how long to wait
 * first. The {@code ResiliencePipeline} runs the attempts; a first-try success costs one striped counter
 * increment.
 *
 * <p>Never retried, whatever the lists say: outcomes marked with {@link Outcomes} and an
 * {@link InterruptedException} (the caller wants to stop). In a pipeline, a call rejected by its open circuit
 * breaker is not retried either unless {@code retryExceptions} names {@code CircuitBreakerOpenException}:
 * that rule belongs to the composition.
 */
public final class Retry implements Reconfigurable<RetryConfig> {

    static {
        StageFactories.register(Retry.class, new RetryStages());
    }

    private static final int MAX_CAUSE_DEPTH = 16;

    private final String name;
    private final Clock clock;
    private final EventPublisher events;
    /** The config in use with what is derived from it, replaced whole by {@link #reconfigure}. */
    private volatile Settings settings;
    private final LongAdder successfulWithoutRetry = new LongAdder();
    private final LongAdder successfulWithRetry = new LongAdder();
    private final LongAdder failedWithRetry = new LongAdder();
    private final LongAdder failedWithoutRetry = new LongAdder();

    private Retry(String name, RetryConfig config, Clock clock) {
        this.name = Validation.name(name);
        this.settings = new Settings(Objects.requireNonNull(config, "config"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.events = new EventPublisher(name, clock);
    }

    /**
     * A config and what is derived from it. An execution reads it once, at its first attempt, and keeps it to
     * its end: a change applies to the executions that start after it.
     */
    static final class Settings {
        final RetryConfig config;
        final int maxAttempts;
        // The configured durations in nanoseconds, converted once.
        final long waitNanos;
        final long maxWaitNanos;
        final long maxDurationNanos;
        final RetryBudget budget;
        final Predicate<Object> retryOnResult;

        Settings(RetryConfig config) {
            this.config = config;
            this.retryOnResult = config.retryOnResult();
            this.maxAttempts = config.maxAttempts();
            this.waitNanos = Clock.saturatedNanos(config.waitDuration());
            this.maxWaitNanos = Clock.saturatedNanos(config.maxWaitDuration());
            this.maxDurationNanos = Clock.saturatedNanos(config.maxDuration());
            this.budget = config.budget();
        }

        /** Whether the attempts share a time budget ({@code maxDuration}), which needs the start time read. */
        boolean hasTimeBudget() {
            return maxDurationNanos != 0;
        }

        /** Whether retries come from a shared {@link RetryBudget}, which counts first attempts. */
        boolean hasRetryBudget() {
            return budget != null;
        }
    }

    /** The settings an execution starting now uses. */
    Settings settings() {
        return settings;
    }

    /**
     * Uses {@code config} for the executions that start from now on (one under way finishes with the settings
     * it started with); the counters are kept. A different {@link RetryConfig#budget() budget} is taken from
     * by the executions that start from now on. A {@link EventType#RETRY_CONFIG_CHANGED} event is published.
     */
    @Override
    public void reconfigure(RetryConfig config) {
        settings = new Settings(Objects.requireNonNull(config, "config"));
        events.publish(EventType.RETRY_CONFIG_CHANGED, config.toString());
    }

    public static Retry ofDefaults(String name) {
        return new Retry(name, RetryConfig.ofDefaults(), Clock.system());
    }

    public static Retry of(String name, RetryConfig config) {
        return new Retry(name, config, Clock.system());
    }

    public static Retry of(String name, RetryConfig config, Clock clock) {
        return new Retry(name, config, clock);
    }

    /** Whether a failed attempt that threw {@code thrown} may be tried again (attempts left aside). */
    boolean isRetryable(Throwable thrown) {
        return isRetryable(settings, thrown);
    }

    static boolean isRetryable(Settings settings, Throwable thrown) {
        if (Outcomes.isMarked(thrown) || thrown instanceof InterruptedException) {
            return false;
        }
        return settings.config.retriedFailures().matches(thrown);
    }

    /** Whether a returned value is not acceptable and the attempt should be retried. */
    boolean isRetryableResult(Object result) {
        return isRetryableResult(settings, result);
    }

    static boolean isRetryableResult(Settings settings, Object result) {
        return settings.retryOnResult != null && settings.retryOnResult.test(result);
    }

    /**
     * The wait before the next attempt after attempt number {@code failedAttempt} (1-based) failed: the
     * server's Retry-After hint if the failure carries one (capped by {@code maxWaitDuration}), else
     * exponential backoff capped by {@code maxWaitDuration}, then spread by the jitter. The jitter applies
     * after the cap, so waits that reached it still spread over {@code [cap·(1−jitter), cap]}: many clients
     * backing off at the cap never retry in the same instant.
     */
    long delayNanos(int failedAttempt, Throwable failure) {
        return delayNanos(settings, failedAttempt, failure);
    }

    static long delayNanos(Settings settings, int failedAttempt, Throwable failure) {
        long maxWaitNanos = settings.maxWaitNanos;
        RetryConfig config = settings.config;
        Optional<Duration> hint = retryAfterHint(failure);
        if (hint.isPresent()) {
            // A server's hint can be any size; an absurd one is capped like any other, not an overflow.
            return Math.min(Math.max(0, Clock.saturatedNanos(hint.get())), maxWaitNanos);
        }
        double wait = Math.min(settings.waitNanos * Math.pow(config.backoffMultiplier(), failedAttempt - 1), maxWaitNanos);
        double jitter = config.jitter();
        if (jitter > 0) {
            // Uniform over [wait·(1−jitter), wait·(1+jitter)], with the upper end held to the cap.
            double low = wait * (1 - jitter);
            double high = Math.min(wait * (1 + jitter), maxWaitNanos);
            wait = low + ThreadLocalRandom.current().nextDouble() * (high - low);
        }
        return (long) Math.min(Math.max(0, wait), maxWaitNanos);
    }

    private static Optional<Duration> retryAfterHint(Throwable failure) {
        Throwable current = Outcomes.unwrap(failure);
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (current instanceof RetryAfterHint hint) {
                Optional<Duration> delay = hint.retryAfter();
                if (delay != null && delay.isPresent()) {
                    return delay;
                }
            }
            current = current.getCause();
        }
        return Optional.empty();
    }

    /**
     * Whether waiting {@code delayNanos} more still fits the {@code maxDuration} budget of an execution that
     * started at {@code startNanos}.
     */
    boolean withinBudget(long startNanos, long delayNanos) {
        return withinBudget(settings, startNanos, delayNanos);
    }

    boolean withinBudget(Settings settings, long startNanos, long delayNanos) {
        long maxDurationNanos = settings.maxDurationNanos;
        return maxDurationNanos == 0 || clock.nanoTime() - startNanos + delayNanos <= maxDurationNanos;
    }

    /** Reports that attempt {@code failedAttempt} failed and the next one starts after {@code delayNanos}. */
    void onRetryScheduled(int failedAttempt, long delayNanos, Throwable failure) {
        if (events.isListening(EventType.RETRY_SCHEDULED)) {
            events.publish(EventType.RETRY_SCHEDULED,
                    "attempt " + failedAttempt + " failed, next in " + Duration.ofNanos(delayNanos).toMillis() + "ms",
                    null, Outcomes.unwrap(failure), Duration.ofNanos(delayNanos));
        }
    }

    /** Reports a whole execution that succeeded at its first attempt: the hot path, kept tiny for the JIT. */
    void onFirstTrySuccess() {
        successfulWithoutRetry.increment();
    }

    /** Reports the outcome of a whole execution that took {@code attempts} attempts. */
    void onSuccess(int attempts) {
        if (attempts == 1) {
            successfulWithoutRetry.increment();
        } else {
            successfulWithRetry.increment();
            events.publish(EventType.RETRY_SUCCEEDED, "succeeded after " + attempts + " attempts");
        }
    }

    /** Reports that a whole execution failed after {@code attempts} attempts with {@code failure}. */
    void onFailure(int attempts, Throwable failure) {
        if (Outcomes.isMarkedAsSuccess(failure)) {
            onSuccess(attempts);
            return;
        }
        (attempts == 1 ? failedWithoutRetry : failedWithRetry).increment();
        if (events.isListening(EventType.RETRY_EXHAUSTED)) {
            events.publish(EventType.RETRY_EXHAUSTED, "gave up after " + attempts
                    + (attempts == 1 ? " attempt" : " attempts"), null, Outcomes.unwrap(failure), null);
        }
    }

    /** An execution with {@code settings} starts its first attempt: its budget counts it. */
    static void onFirstAttempt(Settings settings) {
        settings.budget.recordFirstAttempt();
    }

    /**
     * Whether the retry budget (if any) allows one more retry now; the last check before a retry, so nothing
     * is taken from the budget for a retry that would not happen anyway. When it refuses, {@code failure}
     * carries a suppressed {@link RetryBudgetExhaustedException} (fallbacks still match the real failure).
     */
    boolean budgetAllowsRetry(Settings settings, Throwable failure) {
        RetryBudget budget = settings.budget;
        if (budget == null || budget.tryRetry()) {
            return true;
        }
        RetryBudgetExhaustedException exhausted = new RetryBudgetExhaustedException(budget.name(),
                budget.config().maxRetryRatio());
        if (failure != null) {
            Outcomes.unwrap(failure).addSuppressed(exhausted);
        }
        if (events.isListening(EventType.RETRY_BUDGET_EXHAUSTED)) {
            events.publish(EventType.RETRY_BUDGET_EXHAUSTED, "budget '" + budget.name() + "' is spent", null,
                    failure == null ? null : Outcomes.unwrap(failure), null);
        }
        return false;
    }

    /** The retry budget this retry takes from, or {@code null}. */
    public RetryBudget budget() {
        return settings.budget;
    }

    public String name() {
        return name;
    }

    @Override
    public RetryConfig config() {
        return settings.config;
    }

    public Clock clock() {
        return clock;
    }

    public EventPublisher events() {
        return events;
    }

    public long successfulWithoutRetry() {
        return successfulWithoutRetry.sum();
    }

    public long successfulWithRetry() {
        return successfulWithRetry.sum();
    }

    public long failedWithRetry() {
        return failedWithRetry.sum();
    }

    public long failedWithoutRetry() {
        return failedWithoutRetry.sum();
    }

    /**
     * Back to how the retry was built, for tests (resilience-test calls it between two tests): every counter
     * at zero, and its {@link #budget() budget}, if any, empty (shared budgets are emptied for every retry
     * that uses them).
     */
    public void resetToInitialState() {
        successfulWithoutRetry.reset();
        successfulWithRetry.reset();
        failedWithRetry.reset();
        failedWithoutRetry.reset();
        RetryBudget budget = settings.budget;
        if (budget != null) {
            budget.resetToInitialState();
        }
    }

    @Override
    public String toString() {
        return "Retry[" + name + ", maxAttempts=" + settings.maxAttempts + "]";
    }
}

package dev.resilience.core.pipeline;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.Outcomes;
import dev.resilience.core.CheckedSupplier;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;

/**
 * Runs code under any subset of the five policies, always nested in one order, outermost first:
 * <b>Fallback → Retry → CircuitBreaker → Timeout → Bulkhead → call</b>. Every retry attempt passes through
 * the breaker, the timeout and the bulkhead again.
 *
 * <pre>{@code
 * ResiliencePipeline pipeline = ResiliencePipeline.builder()
 *         .retry(retry).circuitBreaker(breaker).bulkhead(bulkhead)
 *         .build();
 * String body = pipeline.call(() -> client.fetch());
 * }</pre>
 *
 * A pipeline is immutable and thread-safe; build one per protected operation and reuse it. The caller
 * receives what the code returned, what it threw (checked exceptions included, never wrapped), what the
 * fallback supplied or threw, or one of the library's {@link ResilienceException}s.
 */
public final class ResiliencePipeline {

    private final Fallback<?> fallback;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;
    private final Timeout timeout;
    private final Bulkhead bulkhead;
    private final String description;
    private final Clock clock;
    private final Executor asyncExecutor;
    private final ContextPropagation contextPropagation;
    private final boolean preciseBreakerTiming;

    private ResiliencePipeline(Builder b) {
        this.fallback = b.fallback;
        this.retry = b.retry;
        this.circuitBreaker = b.circuitBreaker;
        this.timeout = b.timeout;
        this.bulkhead = b.bulkhead;
        this.description = b.description;
        this.clock = b.clock != null ? b.clock : firstPolicyClock(b);
        this.asyncExecutor = b.asyncExecutor;
        this.contextPropagation = b.contextPropagation;
        this.preciseBreakerTiming = circuitBreaker != null && circuitBreaker.needsPreciseTiming();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Without an explicit clock, time calls with the clock of the policies, so a test's clock drives all. */
    private static Clock firstPolicyClock(Builder b) {
        if (b.circuitBreaker != null) {
            return b.circuitBreaker.clock();
        }
        if (b.bulkhead != null) {
            return b.bulkhead.clock();
        }
        if (b.timeout != null) {
            return b.timeout.clock();
        }
        return b.retry != null ? b.retry.clock() : Clock.system();
    }

    /** Runs {@code call}; checked exceptions pass through unchanged. */
    public <T> T call(Callable<T> call) throws Exception {
        try {
            return run(Objects.requireNonNull(call, "call"), CALLABLE, null);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Sneaky.<RuntimeException>rethrow(t);
        }
    }

    /** Runs {@code supplier}. A checked exception thrown by a fallback propagates unchanged. */
    public <T> T get(Supplier<T> supplier) {
        try {
            return run(Objects.requireNonNull(supplier, "supplier"), SUPPLIER, null);
        } catch (Throwable t) {
            throw Sneaky.<RuntimeException>rethrow(t);
        }
    }

    /** Runs {@code runnable}. */
    public void run(Runnable runnable) {
        try {
            run(Objects.requireNonNull(runnable, "runnable"), RUNNABLE, null);
        } catch (Throwable t) {
            throw Sneaky.<RuntimeException>rethrow(t);
        }
    }

    /**
     * Runs {@code call} through the policies on the calling thread.
     *
     * @throws Throwable what the call, or the fallback, threw, unwrapped; or a {@link ResilienceException}
     */
    public <T> T execute(CheckedSupplier<T> call) throws Throwable {
        return run(Objects.requireNonNull(call, "call"), CHECKED, null);
    }

    /**
     * As {@link #execute(CheckedSupplier)}, with {@code fallbackFunction} supplying the fallback result in
     * place of the configured fallback's own function (its {@code applyOn}/{@code skipOn} still decide).
     */
    public <T> T execute(CheckedSupplier<T> call, FallbackFunction<? extends T> fallbackFunction) throws Throwable {
        return run(Objects.requireNonNull(call, "call"), CHECKED, fallbackFunction);
    }

    // What kind of code a synchronous call is. Passed along with it rather than found out with instanceof:
    // a failed interface check on a lambda class scans its supertypes and rewrites a cache word on every call.
    private static final int CHECKED = 0;
    private static final int SUPPLIER = 1;
    private static final int CALLABLE = 2;
    private static final int RUNNABLE = 3;

    /**
     * The synchronous path. {@code call} is a {@link CheckedSupplier}, {@link Supplier}, {@link Callable} or
     * {@link Runnable} as {@code kind} says, passed as it is and invoked by {@link #invoke}: wrapping it in an
     * adapter would cost every call an allocation.
     */
    @SuppressWarnings("unchecked")
    private <T> T run(Object call, int kind, FallbackFunction<? extends T> fallbackFunction) throws Throwable {
        try {
            return (T) (retry == null ? attempt(call, kind) : retrying(call, kind));
        } catch (Throwable thrown) {
            Throwable failure = Outcomes.unwrap(thrown);
            if (fallback != null && fallback.handles(failure)) {
                return fallbackFunction != null ? fallback.apply(failure, fallbackFunction)
                        : (T) fallback.apply(failure);
            }
            throw failure;
        }
    }

    private static Object invoke(Object call, int kind) throws Throwable {
        switch (kind) {
            case CHECKED:
                return ((CheckedSupplier<?>) call).get();
            case SUPPLIER:
                return ((Supplier<?>) call).get();
            case CALLABLE:
                return ((Callable<?>) call).call();
            default:
                ((Runnable) call).run();
                return null;
        }
    }

    private Object retrying(Object call, int kind) throws Throwable {
        // The budget needs a start time; without one, a first-try success reads no clock at all.
        long start = retry.config().maxDuration().isZero() ? 0 : retry.clock().nanoTime();
        int maxAttempts = retry.config().maxAttempts();
        for (int attempt = 1; ; attempt++) {
            Object result;
            try {
                result = attempt(call, kind);
            } catch (Throwable failure) {
                long delay;
                if (attempt < maxAttempts && retry.isRetryable(failure)
                        && retry.withinBudget(start, delay = retry.delayNanos(attempt, failure))) {
                    retry.onRetryScheduled(attempt, delay, failure);
                    waitBeforeRetry(delay, attempt, failure);
                    continue;
                }
                retry.onFailure(attempt, failure);
                throw failure;
            }
            if (retry.isRetryableResult(result) && attempt < maxAttempts) {
                long delay = retry.delayNanos(attempt, null);
                if (retry.withinBudget(start, delay)) {
                    retry.onRetryScheduled(attempt, delay, null);
                    waitBeforeRetry(delay, attempt, null);
                    continue;
                }
            }
            if (retry.isRetryableResult(result)) {
                retry.onFailure(attempt, null);
            } else {
                retry.onSuccess(attempt);
            }
            return result;
        }
    }

    /** Interrupted while waiting: stop retrying, keep the interrupt, report the last failure. */
    private void waitBeforeRetry(long delayNanos, int attempt, Throwable lastFailure) throws Throwable {
        if (delayNanos <= 0) {
            return;
        }
        try {
            retry.clock().sleep(delayNanos);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            retry.onFailure(attempt, lastFailure);
            throw lastFailure != null ? lastFailure : interrupted;
        }
    }

    private Object attempt(Object call, int kind) throws Throwable {
        if (circuitBreaker == null) {
            return timed(call, kind, Long.MIN_VALUE);
        }
        CircuitBreaker.Permit permit = circuitBreaker.acquirePermit();
        long start = breakerTime();
        Object result;
        try {
            result = timed(call, kind, start);
        } catch (Throwable failure) {
            permit.onError(breakerTime() - start, failure);
            throw failure;
        }
        permit.onResult(breakerTime() - start, result);
        return result;
    }

    /** Precise time only where the breaker's slow-call threshold needs it; a reading costs ~25ns otherwise. */
    private long breakerTime() {
        return preciseBreakerTiming ? clock.nanoTime() : clock.coarseNanoTime();
    }

    private Object timed(Object call, int kind, long startNanos) throws Throwable {
        if (timeout == null) {
            return bulkheaded(call, kind, startNanos);
        }
        // Timed inline rather than through timeout.execute(lambda): the lambda would be one more allocation.
        Timeout.TimedCall timed = timeout.start();
        Object result;
        try {
            result = bulkheaded(call, kind, startNanos);
        } catch (Throwable failure) {
            throw timeout.failed(timed, failure);
        }
        return timeout.succeeded(timed, result);
    }

    private Object bulkheaded(Object call, int kind, long startNanos) throws Throwable {
        if (bulkhead == null) {
            return invoke(call, kind);
        }
        Bulkhead.Permit permit = bulkhead.acquire(description,
                startNanos == Long.MIN_VALUE ? clock.coarseNanoTime() : startNanos);
        try {
            return invoke(call, kind);
        } finally {
            permit.release();
        }
    }

    /**
     * Runs an asynchronous call. No thread is blocked for timeouts or retry waits: both are scheduled on
     * the clock and continue on the pipeline's executor, with the caller's context restored. In this mode
     * the fallback function returns the {@code CompletionStage} to complete with.
     */
    public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call) {
        return executeAsync(call, null);
    }

    /**
     * As {@link #executeAsync(Supplier)}, with {@code fallbackFunction} supplying the fallback (a stage or
     * a value) in place of the configured fallback's own function.
     */
    public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call,
            FallbackFunction<?> fallbackFunction) {
        Objects.requireNonNull(call, "call");
        return new AsyncExecution<>(this, call, contextPropagation.capture(), fallbackFunction).start();
    }

    // ---- accessors for the asynchronous execution and for tools ----------------------------------------

    public Fallback<?> fallback() {
        return fallback;
    }

    public Retry retry() {
        return retry;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public Timeout timeout() {
        return timeout;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    /** What calls through this pipeline are, as listed in the bulkhead's live view. */
    public String description() {
        return description;
    }

    Clock clock() {
        return clock;
    }

    Executor asyncExecutor() {
        return asyncExecutor;
    }

    @Override
    public String toString() {
        return "ResiliencePipeline[" + description + ": fallback=" + fallback + ", retry=" + retry
                + ", circuitBreaker=" + circuitBreaker + ", timeout=" + timeout + ", bulkhead=" + bulkhead + "]";
    }

    /** Collects the policies; the nesting order is fixed whatever the order of the calls here. */
    public static final class Builder {
        private Fallback<?> fallback;
        private Retry retry;
        private CircuitBreaker circuitBreaker;
        private Timeout timeout;
        private Bulkhead bulkhead;
        private String description = "call";
        private Clock clock;
        private Executor asyncExecutor = ForkJoinPool.commonPool();
        private ContextPropagation contextPropagation = ContextPropagation.NONE;

        private Builder() {
        }

        public Builder fallback(Fallback<?> fallback) {
            this.fallback = fallback;
            return this;
        }

        public Builder retry(Retry retry) {
            this.retry = retry;
            return this;
        }

        public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        public Builder timeout(Timeout timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder bulkhead(Bulkhead bulkhead) {
            this.bulkhead = bulkhead;
            return this;
        }

        /** What the protected calls are, e.g. {@code InventoryClient.fetch}; shown in the bulkhead's view. */
        public Builder description(String description) {
            this.description = Validation.name(description);
            return this;
        }

        /**
         * The clock that times calls for the breaker and the bulkhead's view; by default the clock of the
         * first policy. The policies' own clocks drive their timers and waits.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Where asynchronous retries, timeout completions and bulkhead waits continue. */
        public Builder asyncExecutor(Executor executor) {
            this.asyncExecutor = Objects.requireNonNull(executor, "asyncExecutor");
            return this;
        }

        /** How the caller's context travels with an asynchronous execution. */
        public Builder contextPropagation(ContextPropagation propagation) {
            this.contextPropagation = Objects.requireNonNull(propagation, "contextPropagation");
            return this;
        }

        public ResiliencePipeline build() {
            return new ResiliencePipeline(this);
        }
    }

    /** Rethrows any throwable without declaring it: the compiler's checked-exception rule, not the JVM's. */
    static final class Sneaky {
        private Sneaky() {
        }

        @SuppressWarnings("unchecked")
        static <E extends Throwable> E rethrow(Throwable t) throws E {
            throw (E) t;
        }
    }
}

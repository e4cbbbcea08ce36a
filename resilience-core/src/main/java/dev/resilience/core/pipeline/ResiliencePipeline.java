package dev.resilience.core.pipeline;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.resilience.core.CheckedFunction;
import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.Outcomes;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.DefaultExecutor;
import dev.resilience.core.internal.Invocation;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.internal.Validation;
import dev.resilience.core.pipeline.Composition.Position;
import dev.resilience.core.hedge.Hedge;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.timeout.Timeout;

/**
 * Runs code under any subset of the policies, always nested in one order, outermost first:
 * <b>Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → call</b> (see
 * {@link Composition}). Every retry attempt passes through the breaker, the rate limiter, the timeout and the
 * bulkhead again.
 *
 * <pre>{@code
 * ResiliencePipeline pipeline = ResiliencePipeline.builder()
 *         .retry(retry).circuitBreaker(breaker).bulkhead(bulkhead)
 *         .build();
 * String body = pipeline.call(() -> client.fetch());
 * CompletableFuture<String> later = pipeline.executeAsync(() -> client.fetchAsync());
 * }</pre>
 *
 * A pipeline is immutable and thread-safe; build one per protected operation and reuse it. The caller
 * receives what the code returned, what it threw (checked exceptions included, never wrapped), what the
 * fallback supplied or threw, or one of the library's {@code ResilienceException}s.
 *
 * <p>Asynchronous calls block no thread: timeouts, retry waits and waits for a bulkhead place are scheduled on
 * the clock and continue on the pipeline's executor with the caller's context. Cancelling the returned future
 * cancels the attempt under way, calls off further retries, withdraws a waiting bulkhead request and hands
 * back every permit.
 */
public final class ResiliencePipeline {

    private final Composition composition;
    private final SyncStage syncStages;
    private final AsyncStage asyncStages;
    private final String description;
    private final Executor asyncExecutor;
    private final ContextPropagation contextPropagation;

    private ResiliencePipeline(Builder b) {
        this.description = b.description;
        this.asyncExecutor = b.asyncExecutor != null ? b.asyncExecutor : DefaultExecutor.get();
        this.contextPropagation = b.contextPropagation;
        this.composition = new Composition(b.policies, description,
                b.clock != null ? b.clock : firstPolicyClock(b), asyncExecutor);
        this.syncStages = composition.syncStages();
        this.asyncStages = composition.asyncStages();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Without an explicit clock, time calls with the clock of the policies, so a test's clock drives all. */
    private static Clock firstPolicyClock(Builder b) {
        CircuitBreaker breaker = (CircuitBreaker) b.policies[Position.CIRCUIT_BREAKER.ordinal()];
        Bulkhead bulkhead = (Bulkhead) b.policies[Position.BULKHEAD.ordinal()];
        Timeout timeout = (Timeout) b.policies[Position.TIMEOUT.ordinal()];
        Retry retry = (Retry) b.policies[Position.RETRY.ordinal()];
        RateLimiter limiter = (RateLimiter) b.policies[Position.RATE_LIMITER.ordinal()];
        Hedge hedge = (Hedge) b.policies[Position.HEDGE.ordinal()];
        if (breaker != null) {
            return breaker.clock();
        }
        if (bulkhead != null) {
            return bulkhead.clock();
        }
        if (timeout != null) {
            return timeout.clock();
        }
        if (limiter != null) {
            return limiter.clock();
        }
        if (hedge != null) {
            return hedge.clock();
        }
        return retry != null ? retry.clock() : Clock.system();
    }

    /** Runs {@code call}; checked exceptions pass through unchanged. */
    @SuppressWarnings("unchecked")
    public <T> T call(Callable<T> call) throws Exception {
        try {
            return (T) syncStages.execute(Objects.requireNonNull(call, "call"), Invocation.CALLABLE, null,
                    Invocation.NO_TIME);
        } catch (Throwable thrown) {
            throw Invocation.<Exception>sneakyThrow(Outcomes.unwrap(thrown));
        }
    }

    /** Runs {@code supplier}. A checked exception thrown by a fallback propagates unchanged. */
    @SuppressWarnings("unchecked")
    public <T> T get(Supplier<T> supplier) {
        try {
            return (T) syncStages.execute(Objects.requireNonNull(supplier, "supplier"), Invocation.SUPPLIER, null,
                    Invocation.NO_TIME);
        } catch (Throwable thrown) {
            throw Invocation.<RuntimeException>sneakyThrow(Outcomes.unwrap(thrown));
        }
    }

    /** Runs {@code runnable}. */
    public void run(Runnable runnable) {
        try {
            syncStages.execute(Objects.requireNonNull(runnable, "runnable"), Invocation.RUNNABLE, null,
                    Invocation.NO_TIME);
        } catch (Throwable thrown) {
            throw Invocation.<RuntimeException>sneakyThrow(Outcomes.unwrap(thrown));
        }
    }

    /**
     * Runs {@code call} through the policies on the calling thread.
     *
     * @throws Throwable what the call, or the fallback, threw, unwrapped; or a {@code ResilienceException}
     */
    public <T> T execute(CheckedSupplier<T> call) throws Throwable {
        return execute(call, null);
    }

    /**
     * As {@link #execute(CheckedSupplier)}, with {@code fallbackFunction} supplying the fallback result in
     * place of the configured fallback's own function (its {@code applyOn}/{@code skipOn} still decide).
     */
    @SuppressWarnings("unchecked")
    public <T> T execute(CheckedSupplier<T> call, FallbackFunction<? extends T> fallbackFunction) throws Throwable {
        try {
            return (T) syncStages.execute(Objects.requireNonNull(call, "call"), Invocation.CHECKED, fallbackFunction,
                    Invocation.NO_TIME);
        } catch (Throwable thrown) {
            throw Outcomes.unwrap(thrown);
        }
    }

    /**
     * Runs {@code function.apply(argument)} through the policies on the calling thread. With a function that
     * captures nothing (a method reference to a static method, say), a call allocates nothing for it. A
     * fallback applies its own function.
     *
     * @throws Throwable what the function, or the fallback, threw, unwrapped; or a {@code ResilienceException}
     */
    @SuppressWarnings("unchecked")
    public <A, T> T execute(CheckedFunction<? super A, ? extends T> function, A argument) throws Throwable {
        try {
            return (T) syncStages.execute(Objects.requireNonNull(function, "function"), Invocation.FUNCTION, argument,
                    Invocation.NO_TIME);
        } catch (Throwable thrown) {
            throw Outcomes.unwrap(thrown);
        }
    }

    /**
     * Runs an asynchronous call. No thread is blocked for timeouts, retry waits or bulkhead waits: they are
     * scheduled on the clock and continue on the pipeline's executor, with the caller's context restored. In
     * this mode the fallback function may return a {@code CompletionStage} to complete with.
     */
    public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call) {
        return executeAsync(call, null);
    }

    /**
     * As {@link #executeAsync(Supplier)}, with {@code fallbackFunction} supplying the fallback (a stage or
     * a value) in place of the configured fallback's own function.
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> executeAsync(Supplier<? extends CompletionStage<T>> call,
            FallbackFunction<?> fallbackFunction) {
        Objects.requireNonNull(call, "call");
        AsyncExecution execution = new AsyncExecution(call, fallbackFunction, contextPropagation.capture(),
                asyncExecutor);
        return (CompletableFuture<T>) (CompletableFuture<?>) execution.start(asyncStages);
    }

    /**
     * Not API: the entry of the project's other call styles (resilience-reactor), which build the execution
     * themselves. Runs {@code execution}'s first attempt through the asynchronous stages and returns it.
     */
    public AsyncExecution start(AsyncExecution execution) {
        return execution.start(asyncStages);
    }

    /** How the caller's context travels with an asynchronous execution. */
    public ContextPropagation contextPropagation() {
        return contextPropagation;
    }

    // ---- what the pipeline holds, for tools (endpoints, the Spring interceptor) --------------------------

    public Fallback<?> fallback() {
        return (Fallback<?>) composition.policy(Position.FALLBACK);
    }

    public Retry retry() {
        return (Retry) composition.policy(Position.RETRY);
    }

    public Hedge hedge() {
        return (Hedge) composition.policy(Position.HEDGE);
    }

    public CircuitBreaker circuitBreaker() {
        return (CircuitBreaker) composition.policy(Position.CIRCUIT_BREAKER);
    }

    public RateLimiter rateLimiter() {
        return (RateLimiter) composition.policy(Position.RATE_LIMITER);
    }

    public Timeout timeout() {
        return (Timeout) composition.policy(Position.TIMEOUT);
    }

    /** The fault injection right around the call, or {@code null}. */
    public Chaos chaos() {
        return (Chaos) composition.policy(Position.CHAOS);
    }

    public Bulkhead bulkhead() {
        return (Bulkhead) composition.policy(Position.BULKHEAD);
    }

    /** What calls through this pipeline are, as listed in the bulkhead's live view. */
    public String description() {
        return description;
    }

    /** Where asynchronous retries, timeout completions and granted bulkhead places continue. */
    public Executor asyncExecutor() {
        return asyncExecutor;
    }

    @Override
    public String toString() {
        return "ResiliencePipeline[" + description + ": " + syncStages + "]";
    }

    /** Collects the policies; the nesting order is fixed whatever the order of the calls here. */
    public static final class Builder {
        private final Object[] policies = new Object[Composition.ORDER.length];
        private String description = "call";
        private Clock clock;
        private Executor asyncExecutor;
        private ContextPropagation contextPropagation = ContextPropagation.NONE;

        private Builder() {
        }

        public Builder fallback(Fallback<?> fallback) {
            policies[Position.FALLBACK.ordinal()] = fallback;
            return this;
        }

        public Builder retry(Retry retry) {
            policies[Position.RETRY.ordinal()] = retry;
            return this;
        }

        /** Hedges each call (for idempotent calls only): inside the retry, outside the breaker and the rest. */
        public Builder hedge(Hedge hedge) {
            policies[Position.HEDGE.ordinal()] = hedge;
            return this;
        }

        public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
            policies[Position.CIRCUIT_BREAKER.ordinal()] = circuitBreaker;
            return this;
        }

        public Builder rateLimiter(RateLimiter rateLimiter) {
            policies[Position.RATE_LIMITER.ordinal()] = rateLimiter;
            return this;
        }

        /** Fault injection, innermost: right around the call, inside the bulkhead. */
        public Builder chaos(Chaos chaos) {
            policies[Position.CHAOS.ordinal()] = chaos;
            return this;
        }

        public Builder timeout(Timeout timeout) {
            policies[Position.TIMEOUT.ordinal()] = timeout;
            return this;
        }

        public Builder bulkhead(Bulkhead bulkhead) {
            policies[Position.BULKHEAD.ordinal()] = bulkhead;
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

        /**
         * Where asynchronous retries, timeout completions and granted bulkhead places continue. By default a
         * shared pool of daemon threads made on demand; never the common {@code ForkJoinPool}.
         */
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
}

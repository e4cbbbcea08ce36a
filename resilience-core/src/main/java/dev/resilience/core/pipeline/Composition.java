package dev.resilience.core.pipeline;

import java.util.concurrent.Executor;

import dev.resilience.core.Outcomes;
import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.internal.StageContext;
import dev.resilience.core.internal.StageFactories;
import dev.resilience.core.internal.SyncStage;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.retry.RetryBudget;
import dev.resilience.core.spi.Clock;

/**
 * The one place that says how policies nest, outermost first:
 * <b>Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → (Chaos) → call</b>, and the rules that concern more
 * than one of them. Every call style is built from {@link #ORDER}: each policy contributes its own stage for
 * the style, wrapped around the stages inside it. A new policy takes its place in {@code ORDER}; a new call
 * style asks each policy for a stage of that style.
 */
final class Composition implements StageContext {

    /** The positions, outermost first. */
    enum Position { FALLBACK, RETRY, HEDGE, CIRCUIT_BREAKER, RATE_LIMITER, TIMEOUT, BULKHEAD, CHAOS }

    static final Position[] ORDER = Position.values();

    private final Object[] policies;
    private final String description;
    private final Clock clock;
    private final Executor executor;
    private final Retry retry;
    private final boolean hedged;

    /** @param policies by {@link Position#ordinal()}; {@code null} where the pipeline has no such policy */
    Composition(Object[] policies, String description, Clock clock, Executor executor) {
        this.policies = policies.clone();
        this.description = description;
        this.clock = clock;
        this.executor = executor;
        this.retry = (Retry) this.policies[Position.RETRY.ordinal()];
        this.hedged = this.policies[Position.HEDGE.ordinal()] != null;
    }

    SyncStage syncStages() {
        SyncStage stage = SyncStage.CALL;
        for (int i = ORDER.length - 1; i >= 0; i--) {
            Object policy = policies[i];
            if (policy != null) {
                stage = StageFactories.of(policy).sync(policy, stage, this);
            }
        }
        return stage;
    }

    AsyncStage asyncStages() {
        AsyncStage stage = AsyncStage.CALL;
        for (int i = ORDER.length - 1; i >= 0; i--) {
            Object policy = policies[i];
            if (policy != null) {
                stage = StageFactories.of(policy).async(policy, stage, this);
            }
        }
        return stage;
    }

    Object policy(Position position) {
        return policies[position.ordinal()];
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    /**
     * A full bulkhead and a spent rate limit are local overload, not failures of the downstream: a breaker
     * around them ignores them.
     */
    @Override
    public boolean isDownstreamFailure(Throwable failure) {
        Throwable unwrapped = Outcomes.unwrap(failure);
        return !(unwrapped instanceof BulkheadFullException) && !(unwrapped instanceof RateLimitExceededException)
                && !(hedged && stoppedByCaller(unwrapped));
    }

    /**
     * Whether an attempt failed because it was stopped: a hedge cancels the attempts that lost the race (their
     * threads interrupted, their futures cancelled), and a breaker must not count that against the downstream.
     */
    private static boolean stoppedByCaller(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < 8; depth++) {
            if (current instanceof InterruptedException || current instanceof java.io.InterruptedIOException
                    || current instanceof java.nio.channels.ClosedByInterruptException
                    || current instanceof java.util.concurrent.CancellationException) {
                return true;
            }
            current = current.getCause();
        }
        return false;
    }

    /**
     * A hedge's extra attempt counts against the retry budget like a retry: "hedges count against the retry
     * budget", so hedging cannot multiply load past the bound the retry already keeps. Asked through the
     * composition, so the hedge knows nothing of the retry.
     */
    @Override
    public boolean tryExtraAttempt() {
        // The retry's budget in use now: a live reconfiguration may have given the retry another one.
        RetryBudget budget = retry == null ? null : retry.budget();
        return budget == null || budget.tryAdditionalAttempt();
    }

    /**
     * Retrying into an open breaker or a spent rate limit only burns attempts, unless the retry names that
     * rejection itself (a rate limit's rejection then says how long to wait). Read from the retry's config in use
     * (it may change at run time); asked only after a failure.
     */
    @Override
    public boolean mayRetry(Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            return names(CircuitBreakerOpenException.class);
        }
        return !(failure instanceof RateLimitExceededException) || names(RateLimitExceededException.class);
    }

    private boolean names(Class<? extends Throwable> rejection) {
        return retry != null && retry.config().retryExceptions().contains(rejection);
    }
}

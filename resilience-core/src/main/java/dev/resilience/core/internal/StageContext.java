package dev.resilience.core.internal;

import java.util.concurrent.Executor;

import dev.resilience.core.spi.Clock;

/**
 * What the composition tells each stage it builds: what the calls are, how to time them, where asynchronous
 * work continues, and the rules that concern more than one policy. Those rules live in the composition, so
 * no policy needs to know another.
 *
 * <p>Not API.
 */
public interface StageContext {

    /** What the protected calls are, e.g. {@code InventoryClient.fetch}. */
    String description();

    /** The clock that times calls for the breaker and the bulkhead's live view. */
    Clock clock();

    /** Where asynchronous continuations (retries, timeout completions, granted bulkhead places) run. */
    Executor executor();

    /**
     * Whether {@code failure} says something about the downstream. A rejection by a policy nested inside
     * (a full bulkhead) is local overload: a circuit breaker must not count it.
     */
    boolean isDownstreamFailure(Throwable failure);

    /**
     * Whether the composition allows retrying after {@code failure}, the retry's own lists aside: retrying
     * into an open breaker only burns attempts, unless the retry names that rejection explicitly.
     */
    boolean mayRetry(Throwable failure);

    /**
     * Takes one attempt beyond an execution's first, made side by side with it (a hedge), from whatever bounds
     * extra attempts in this composition (a retry budget). Refused, the attempt is not made.
     *
     * @return whether the attempt may be made
     */
    default boolean tryExtraAttempt() {
        return true;
    }
}

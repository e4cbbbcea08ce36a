package dev.resilience.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Implemented by exceptions that know how long the server asked the client to wait, e.g. from an HTTP
 * {@code Retry-After} header. Retry waits that long instead of its backoff (capped by
 * {@code maxWaitDuration}). Found on the failure itself or any of its causes.
 */
public interface RetryAfterHint {

    /** The delay the server asked for, if it asked. */
    Optional<Duration> retryAfter();
}

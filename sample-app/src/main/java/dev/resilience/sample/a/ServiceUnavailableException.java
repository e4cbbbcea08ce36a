package dev.resilience.sample.a;

import java.time.Duration;
import java.util.Optional;

import dev.resilience.core.RetryAfterHint;

/** Service B answered with a server error; carries its Retry-After so the retry waits as asked. */
public class ServiceUnavailableException extends RuntimeException implements RetryAfterHint {

    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public ServiceUnavailableException(int status, Duration retryAfter) {
        super("service B answered " + status + (retryAfter == null ? "" : ", retry after " + retryAfter.toSeconds() + "s"));
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}

package dev.resilience.spring.http;

import java.time.Duration;
import java.util.Optional;

import dev.resilience.core.RetryAfterHint;

/**
 * A response whose status is a failure for a protected HTTP client (by default 408, 429, 5xx but 501 and 505),
 * as the breaker and the retry see it: recorded in their events and counts. The caller never gets it: after
 * the last attempt the client returns that response itself, so the caller sees what the HTTP client would
 * have made of it without us (e.g. {@code HttpServerErrorException} from {@code retrieve()}).
 */
public class HttpFailureStatusException extends RuntimeException implements RetryAfterHint {

    private final int status;
    private final transient Duration retryAfter;
    /** The response, its body buffered: handed back to the client after the last attempt. */
    private final transient Object response;

    HttpFailureStatusException(String client, int status, Duration retryAfter, Object response) {
        super("HTTP " + status + " answered to " + client, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.response = response;
    }

    /** The response status. */
    public int status() {
        return status;
    }

    /** The wait the response's {@code Retry-After} asked for, if any and if the client honours it. */
    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    Object response() {
        return response;
    }
}

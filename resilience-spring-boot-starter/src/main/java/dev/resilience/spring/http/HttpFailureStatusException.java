package dev.resilience.spring.http;

import java.time.Duration;
import java.util.Optional;

import dev.resilience.core.RetryAfterHint;
import dev.resilience.core.chaos.InjectedFaultException;

/**
 * A response whose status is a failure for a protected HTTP client (by default 408, 429, 5xx but 501 and 505),
 * as the breaker and the retry see it: recorded in their events and counts. The caller never gets it: after
 * the last attempt the client returns that response itself, so the caller sees what the HTTP client would
 * have made of it without us (e.g. {@code HttpServerErrorException} from {@code retrieve()}). When fault
 * injection answered in place of the server, it carries an {@link InjectedFaultException}
 * ({@link InjectedFaultException#isInjected} tells), so its events are never taken for a real failure.
 */
public class HttpFailureStatusException extends RuntimeException implements RetryAfterHint {

    private final int status;
    private final transient Duration retryAfter;
    /** The response, its body buffered: handed back to the client after the last attempt. */
    private final transient Object response;

    HttpFailureStatusException(String client, int status, Duration retryAfter, Object response) {
        this(client, status, retryAfter, response, false);
    }

    /** @param injected whether fault injection answered in place of the server */
    HttpFailureStatusException(String client, int status, Duration retryAfter, Object response, boolean injected) {
        super("HTTP " + status + " answered to " + client + (injected ? " by fault injection" : ""), null, injected,
                false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.response = response;
        if (injected) {
            addSuppressed(new InjectedFaultException("HTTP " + status + " injected by chaos '" + client + "'"));
        }
    }

    /**
     * Whether {@code failure} is a response by which the server says it is overloaded: 429 Too Many Requests or
     * 503 Service Unavailable (injected ones too: fault injection rehearses overload). An adaptive bulkhead
     * shrinks its limit for it; the starter's bulkhead configs carry this test.
     */
    public static boolean isOverloadStatus(Throwable failure) {
        return failure instanceof HttpFailureStatusException response
                && (response.status == 429 || response.status == 503);
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

package dev.resilience.core;

/**
 * Base type of the exceptions the library itself throws: a call rejected by an open circuit breaker, a full
 * bulkhead, an exceeded timeout. Exceptions thrown by the protected code are never wrapped in it.
 */
public abstract class ResilienceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message            says which instance rejected the call and why
     * @param cause              the underlying cause, or {@code null}
     * @param writableStackTrace {@code false} on rejection paths, where filling a stack trace would cost more
     *                           than the protected call itself
     */
    protected ResilienceException(String message, Throwable cause, boolean writableStackTrace) {
        super(message, cause, false, writableStackTrace);
    }
}

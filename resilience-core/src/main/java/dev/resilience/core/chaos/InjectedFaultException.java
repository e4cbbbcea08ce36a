package dev.resilience.core.chaos;

import dev.resilience.core.ResilienceException;

/**
 * The default exception of fault injection, and the marker found (as a suppressed exception) on every
 * injected exception of another type: an injected fault can always be told from a real one.
 */
public class InjectedFaultException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    public InjectedFaultException(String message) {
        super(message, null, false);
    }

    /** Whether {@code failure} was injected by fault injection (it is, or carries, an InjectedFaultException). */
    public static boolean isInjected(Throwable failure) {
        if (failure instanceof InjectedFaultException) {
            return true;
        }
        if (failure != null) {
            for (Throwable suppressed : failure.getSuppressed()) {
                if (suppressed instanceof InjectedFaultException) {
                    return true;
                }
            }
        }
        return false;
    }
}

package dev.resilience.spring.aop;

/** A {@code @Fallback} that names no usable method. Stops start-up. */
public class InvalidFallbackException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public InvalidFallbackException(String message) {
        super(message);
    }
}

package dev.resilience.spring.autoconfigure;

/**
 * A {@code resilience.*} setting, or an annotation's use of one, that cannot work. Stops start-up; the
 * message names the full property path (or the method) and what is expected.
 */
public class InvalidResilienceConfigException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String property;

    /**
     * @param property the full property path, e.g. {@code resilience.retry.instances.backend.max-attempts}
     * @param problem  what is wrong and what is expected, without the path
     */
    public InvalidResilienceConfigException(String property, String problem) {
        super(property + " " + problem);
        this.property = property;
    }

    /** The full property path at fault. */
    public String property() {
        return property;
    }
}

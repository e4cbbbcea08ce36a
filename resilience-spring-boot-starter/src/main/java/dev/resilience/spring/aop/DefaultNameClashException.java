package dev.resilience.spring.aop;

/**
 * Two annotated methods of different classes that leave the instance name empty and would share instances
 * only because their default names ({@code SimpleClassName.methodName}) are equal, e.g.
 * {@code com.a.Client.fetch} and {@code com.b.Client.fetch}. Stops start-up. Equal explicit names are no
 * clash: they share on purpose.
 */
public class DefaultNameClashException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String defaultName;

    /**
     * @param defaultName the instance name both methods default to
     * @param message     what clashes and what to do about it
     */
    public DefaultNameClashException(String defaultName, String message) {
        super(message);
        this.defaultName = defaultName;
    }

    /** The instance name both methods default to, e.g. {@code Client.fetch}. */
    public String defaultName() {
        return defaultName;
    }
}

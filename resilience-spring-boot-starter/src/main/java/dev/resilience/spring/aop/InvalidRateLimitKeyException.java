package dev.resilience.spring.aop;

/**
 * A {@code @RateLimiter(key = ...)} that cannot work: not valid SpEL, or naming something that is no parameter of
 * the method. Stops start-up.
 */
public class InvalidRateLimitKeyException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final String method;
    private final String key;

    /**
     * @param method  the annotated method, e.g. {@code com.example.Client.fetch(String)}
     * @param key     the key expression as written
     * @param problem what is wrong with it, completing {@code @RateLimiter(key = "...") on <method> ...}
     */
    public InvalidRateLimitKeyException(String method, String key, String problem) {
        super("@RateLimiter(key = \"" + key + "\") on " + method + " " + problem);
        this.method = method;
        this.key = key;
    }

    /** The annotated method, e.g. {@code com.example.Client.fetch(String)}. */
    public String method() {
        return method;
    }

    /** The key expression as written. */
    public String key() {
        return key;
    }
}

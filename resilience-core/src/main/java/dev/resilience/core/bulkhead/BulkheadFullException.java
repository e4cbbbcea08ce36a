package dev.resilience.core.bulkhead;

import java.time.Duration;

import dev.resilience.core.ResilienceException;

/** No permit was free within the bulkhead's max wait. No stack trace unless the config asks for one. */
public class BulkheadFullException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String bulkheadName;
    private final int maxConcurrentCalls;

    public BulkheadFullException(String bulkheadName, int maxConcurrentCalls, Duration waited,
            boolean writableStackTrace) {
        super("bulkhead '" + bulkheadName + "' is full: all " + maxConcurrentCalls
                + " concurrent calls are in use" + (waited.isZero() ? "" : " (waited " + waited.toMillis() + "ms)"),
                null, writableStackTrace);
        this.bulkheadName = bulkheadName;
        this.maxConcurrentCalls = maxConcurrentCalls;
    }

    public String bulkheadName() {
        return bulkheadName;
    }

    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }
}

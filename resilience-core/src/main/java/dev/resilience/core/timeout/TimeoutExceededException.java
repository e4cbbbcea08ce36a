package dev.resilience.core.timeout;

import java.time.Duration;

import dev.resilience.core.ResilienceException;

/** The call did not finish within its timeout. */
public class TimeoutExceededException extends ResilienceException {

    private static final long serialVersionUID = 1L;

    private final String timeoutName;
    private final transient Duration duration;

    public TimeoutExceededException(String timeoutName, Duration duration, Throwable cause,
            boolean writableStackTrace) {
        super("timeout '" + timeoutName + "' exceeded: the call did not finish within " + duration.toMillis() + "ms",
                cause, writableStackTrace);
        this.timeoutName = timeoutName;
        this.duration = duration;
    }

    public String timeoutName() {
        return timeoutName;
    }

    /** The limit that was exceeded. */
    public Duration duration() {
        return duration;
    }
}

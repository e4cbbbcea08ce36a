package dev.resilience.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing that happened in one policy instance. Immutable. Optional parts are {@code null} when they do not
 * apply: {@link #error()} for events without a failure, {@link #duration()} where nothing was timed.
 */
public final class ResilienceEvent {

    private final Instant time;
    private final EventType type;
    private final String name;
    private final String detail;
    private final String reason;
    private final Throwable error;
    private final Duration duration;

    /**
     * @param time     when it happened
     * @param type     what happened
     * @param name     the instance that published it
     * @param detail   short text such as {@code CLOSED->OPEN} or {@code attempt 2, next in 500ms}; may be empty
     * @param reason   why it happened, for people, such as {@code failure rate 62.5% >= 50%}; may be empty
     * @param error    the failure involved, or {@code null}
     * @param duration the call's or the wait's duration, or {@code null}
     */
    public ResilienceEvent(Instant time, EventType type, String name, String detail, String reason,
            Throwable error, Duration duration) {
        this.time = Objects.requireNonNull(time, "time");
        this.type = Objects.requireNonNull(type, "type");
        this.name = Objects.requireNonNull(name, "name");
        this.detail = detail == null ? "" : detail;
        this.reason = reason == null ? "" : reason;
        this.error = error;
        this.duration = duration;
    }

    public Instant time() {
        return time;
    }

    public EventType type() {
        return type;
    }

    /** The kind of policy that published this event. */
    public PolicyKind policy() {
        return type.policy();
    }

    /** The name of the instance that published this event. */
    public String name() {
        return name;
    }

    public String detail() {
        return detail;
    }

    /** Why it happened, for people; empty when there is nothing to add to {@link #detail()}. */
    public String reason() {
        return reason;
    }

    /** The failure involved, or {@code null}. */
    public Throwable error() {
        return error;
    }

    /** The call's or wait's duration, or {@code null}. */
    public Duration duration() {
        return duration;
    }

    @Override
    public String toString() {
        return time + " " + policy().id() + " '" + name + "' " + type + (detail.isEmpty() ? "" : " " + detail)
                + (reason.isEmpty() ? "" : " (" + reason + ")")
                + (error == null ? "" : " [" + error + "]");
    }
}

package dev.resilience.core.event;

/** What happened; each type belongs to one {@link PolicyKind}. */
public enum EventType {
    /** Circuit breaker changed state; detail {@code CLOSED->OPEN}. */
    STATE_TRANSITION(PolicyKind.CIRCUIT_BREAKER),
    /** Circuit breaker recorded a success. */
    SUCCESS(PolicyKind.CIRCUIT_BREAKER),
    /** Circuit breaker recorded a failure. */
    ERROR(PolicyKind.CIRCUIT_BREAKER),
    /** Circuit breaker saw a failure it does not count. */
    IGNORED_ERROR(PolicyKind.CIRCUIT_BREAKER),
    /** Circuit breaker rejected a call. */
    NOT_PERMITTED(PolicyKind.CIRCUIT_BREAKER),

    /** Retry will try again; carries the attempt that failed and the delay before the next one. */
    RETRY_SCHEDULED(PolicyKind.RETRY),
    /** Retry succeeded after at least one retry. */
    RETRY_SUCCEEDED(PolicyKind.RETRY),
    /** Retry gave up: attempts or time budget used up, or a failure it does not retry. */
    RETRY_EXHAUSTED(PolicyKind.RETRY),

    /** A call passed its deadline. */
    TIMEOUT(PolicyKind.TIMEOUT),

    /** A call entered the bulkhead. */
    BULKHEAD_ENTERED(PolicyKind.BULKHEAD),
    /** A call left the bulkhead. */
    BULKHEAD_EXITED(PolicyKind.BULKHEAD),
    /** A call found the bulkhead full. */
    BULKHEAD_REJECTED(PolicyKind.BULKHEAD),

    /** A rate limiter handed out a permit; carries the wait when the call waited for it. */
    RATE_LIMITER_PERMITTED(PolicyKind.RATE_LIMITER),
    /** A rate limiter rejected a call: no permit within its max wait. */
    RATE_LIMITER_REJECTED(PolicyKind.RATE_LIMITER),
    /** A cluster-wide rate limiter lost its engine and limits on its own now; detail: what it does instead. */
    RATE_LIMITER_ENGINE_LOST(PolicyKind.RATE_LIMITER),
    /** A cluster-wide rate limiter's engine is back: the shared bucket counts again. */
    RATE_LIMITER_ENGINE_BACK(PolicyKind.RATE_LIMITER),

    /** A failed attempt was not retried: the retry budget it shares is spent. */
    RETRY_BUDGET_EXHAUSTED(PolicyKind.RETRY),

    /** Fault injection failed a call on purpose; the error is the injected exception. */
    CHAOS_FAULT_INJECTED(PolicyKind.CHAOS),
    /** Fault injection delayed a call on purpose; carries the delay. */
    CHAOS_LATENCY_INJECTED(PolicyKind.CHAOS),
    /** Fault injection was switched on or off, or its settings changed, at run time. */
    CHAOS_CHANGED(PolicyKind.CHAOS),

    /** A fallback supplied the result for a failure. */
    FALLBACK_USED(PolicyKind.FALLBACK),

    /** A circuit breaker's settings changed at run time, in place; detail: the settings now in use. */
    CIRCUIT_BREAKER_CONFIG_CHANGED(PolicyKind.CIRCUIT_BREAKER, Setting.CHANGED),
    /** A change of a circuit breaker's settings was rejected: nothing changed; detail: the property and why. */
    CIRCUIT_BREAKER_CONFIG_CHANGE_REJECTED(PolicyKind.CIRCUIT_BREAKER, Setting.REJECTED),
    /** A retry's settings changed at run time, in place; detail: the settings now in use. */
    RETRY_CONFIG_CHANGED(PolicyKind.RETRY, Setting.CHANGED),
    /** A change of a retry's settings was rejected: nothing changed; detail: the property and why. */
    RETRY_CONFIG_CHANGE_REJECTED(PolicyKind.RETRY, Setting.REJECTED),
    /** A timeout's settings changed at run time, in place; detail: the settings now in use. */
    TIMEOUT_CONFIG_CHANGED(PolicyKind.TIMEOUT, Setting.CHANGED),
    /** A change of a timeout's settings was rejected: nothing changed; detail: the property and why. */
    TIMEOUT_CONFIG_CHANGE_REJECTED(PolicyKind.TIMEOUT, Setting.REJECTED),
    /** A bulkhead's settings changed at run time, in place; detail: the settings now in use. */
    BULKHEAD_CONFIG_CHANGED(PolicyKind.BULKHEAD, Setting.CHANGED),
    /** A change of a bulkhead's settings was rejected: nothing changed; detail: the property and why. */
    BULKHEAD_CONFIG_CHANGE_REJECTED(PolicyKind.BULKHEAD, Setting.REJECTED),
    /** A rate limiter's settings changed at run time, in place; detail: the settings now in use. */
    RATE_LIMITER_CONFIG_CHANGED(PolicyKind.RATE_LIMITER, Setting.CHANGED),
    /** A change of a rate limiter's settings was rejected: nothing changed; detail: the property and why. */
    RATE_LIMITER_CONFIG_CHANGE_REJECTED(PolicyKind.RATE_LIMITER, Setting.REJECTED),
    /**
     * A change of fault injection's settings was rejected: nothing changed; detail: the property and why (an
     * applied change is {@link #CHAOS_CHANGED}).
     */
    CHAOS_CONFIG_CHANGE_REJECTED(PolicyKind.CHAOS, Setting.REJECTED),

    /** A hedge launched an extra attempt beside a slow one. */
    HEDGE_LAUNCHED(PolicyKind.HEDGE),
    /** An extra attempt of a hedge won: its result was used and the others were cancelled. */
    HEDGE_WON(PolicyKind.HEDGE),
    /** A hedge's settings changed at run time, in place; detail: the settings now in use. */
    HEDGE_CONFIG_CHANGED(PolicyKind.HEDGE, Setting.CHANGED),
    /** A change of a hedge's settings was rejected: nothing changed; detail: the property and why. */
    HEDGE_CONFIG_CHANGE_REJECTED(PolicyKind.HEDGE, Setting.REJECTED),


    /**
     * An adaptive bulkhead's limit moved by more than 10% from the last limit announced; the detail reads
     * {@code limit 20 -> 26}.
     */
    BULKHEAD_LIMIT_CHANGED(PolicyKind.BULKHEAD);

    /** How a type relates to a live change of an instance's settings. */
    private enum Setting {
        /** Not about a settings change. */
        NONE,
        /** Settings changed in place (fault injection's applied change is {@link #CHAOS_CHANGED}, its own kind). */
        CHANGED,
        /** A settings change was rejected. */
        REJECTED
    }

    private final PolicyKind policy;
    private final Setting setting;

    EventType(PolicyKind policy) {
        this(policy, Setting.NONE);
    }

    EventType(PolicyKind policy, Setting setting) {
        this.policy = policy;
        this.setting = setting;
    }

    /** The kind of policy that publishes this type. */
    public PolicyKind policy() {
        return policy;
    }

    /** A live change of an instance's settings, applied in place or rejected ({@code *_CONFIG_CHANGE*}). */
    public boolean isConfigChange() {
        return setting != Setting.NONE;
    }

    /** A live change of an instance's settings applied in place ({@code *_CONFIG_CHANGED}). */
    public boolean isConfigChangeApplied() {
        return setting == Setting.CHANGED;
    }

    /**
     * The type a rejected change of the settings of a {@code policy} publishes ({@code *_CONFIG_CHANGE_REJECTED}).
     *
     * @throws IllegalArgumentException for a kind of policy whose settings do not change at run time
     */
    public static EventType configChangeRejected(PolicyKind policy) {
        for (EventType type : values()) {
            if (type.policy == policy && type.setting == Setting.REJECTED) {
                return type;
            }
        }
        throw new IllegalArgumentException("no settings change of a " + policy + " is ever rejected");
    }
}

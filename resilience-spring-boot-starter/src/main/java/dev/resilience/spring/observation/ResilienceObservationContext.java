package dev.resilience.spring.observation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Locale;

import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;
import io.micrometer.observation.Observation;

/**
 * The context of one protected call's {@code resilience.call} observation: a call of an annotated method, or
 * a request through a protected HTTP client. A {@link ResilienceObservationConvention} reads it to name the
 * observation and tag it.
 */
public class ResilienceObservationContext extends Observation.Context {

    /** What was protected. */
    public enum Kind {
        /** A call of a method with resilience annotations. */
        METHOD,
        /** A request through an HTTP client configured under {@code resilience.http.clients}. */
        HTTP_CLIENT
    }

    /** How a call ended; {@link #value()} is the {@code outcome} tag. */
    public enum Outcome {
        /** The call returned (or completed) normally, without a fallback. */
        SUCCESS,
        /** The call failed: the protected code's failure, after any retries. */
        FAILURE,
        /** An open circuit breaker, a full bulkhead or a rate limiter rejected the call. */
        REJECTED,
        /** The call passed its deadline. */
        TIMEOUT,
        /** A fallback supplied the result for a failure. */
        FALLBACK,
        /** The caller cancelled the call (its future, or its subscription) before it ended. */
        CANCELLED;

        private final String value = name().toLowerCase(Locale.ROOT);

        /** The lower-case tag value: {@code success}, {@code failure}, {@code rejected}, ... */
        public String value() {
            return value;
        }
    }

    private final String instanceName;
    private final Kind kind;
    private final ResiliencePipeline pipeline;
    private volatile Outcome outcome;

    private static final VarHandle FINISHED;

    static {
        try {
            FINISHED = MethodHandles.lookup().findVarHandle(ResilienceObservationContext.class, "finished",
                    boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The default convention's names and key values for this call's pipeline; {@code null}: made per call. */
    DefaultResilienceObservationConvention.Names names;
    Observation observation = Observation.NOOP;
    /** Set once, by the call's end: events that come later are dropped. */
    volatile boolean finished;
    /** Set by an event before it checks {@link #finished}: the end then waits for the event's lock. */
    volatile boolean eventPending;
    // Written under this object's lock by events, read by the end after it.
    boolean fallbackUsed;
    boolean sawTimeout;
    boolean sawRejection;

    /**
     * @param instanceName the name the call is reported under (see {@link #getInstanceName()})
     * @param kind         a method call or an HTTP request
     * @param pipeline     the policies the call runs through
     */
    public ResilienceObservationContext(String instanceName, Kind kind, ResiliencePipeline pipeline) {
        this.instanceName = instanceName;
        this.kind = kind;
        this.pipeline = pipeline;
    }

    /**
     * The name the call is reported under, the {@code name} tag. For a method: the instance name of its
     * outermost policy in the pipeline's order (retry, circuit breaker, rate limiter, timeout, bulkhead), so
     * {@code @Retry(name = "inventory") @CircuitBreaker(name = "stock")} is {@code inventory}; an unnamed
     * policy's name is the method's default name ({@code SimpleClassName.method}), which is also the name of a
     * method with {@code @Fallback} alone. For an HTTP client: the client's name.
     */
    public String getInstanceName() {
        return instanceName;
    }

    public Kind getKind() {
        return kind;
    }

    /** The pipeline the call runs through: its policies, and its description. */
    public ResiliencePipeline getPipeline() {
        return pipeline;
    }

    /** How the call ended; {@code null} while it runs. */
    public Outcome getOutcome() {
        return outcome;
    }

    void setOutcome(Outcome outcome) {
        this.outcome = outcome;
    }

    /** Marks the call finished; {@code false} if it was already. */
    boolean finish() {
        return FINISHED.compareAndSet(this, false, true);
    }

    /** Whether {@code instance} is one of the policies (or the fallback) of this call's pipeline. */
    boolean owns(Object instance) {
        if (instance instanceof Retry) {
            return pipeline.retry() == instance;
        }
        if (instance instanceof CircuitBreaker) {
            return pipeline.circuitBreaker() == instance;
        }
        if (instance instanceof RateLimiter) {
            return pipeline.rateLimiter() == instance;
        }
        if (instance instanceof Timeout) {
            return pipeline.timeout() == instance;
        }
        if (instance instanceof Bulkhead) {
            return pipeline.bulkhead() == instance;
        }
        return instance instanceof Fallback<?> && pipeline.fallback() == instance;
    }
}

package dev.resilience.spring.observation;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.EventType;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.timeout.TimeoutExceededException;
import dev.resilience.spring.observation.ResilienceObservationContext.Outcome;
import dev.resilience.spring.observation.ResilienceObservationDocumentation.Events;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;

/**
 * Makes each protected call a {@code resilience.call} observation of an {@link ObservationRegistry}, and each
 * retry, fallback, rejection and timeout of the call an event on it. Exists only for a registry that is not a
 * no-op ({@link #of}): without one nothing of this runs, and calls take the paths they take without
 * observations.
 *
 * <p>Events come from the policies' own event publishers, on the thread that produced them. They reach the
 * observation of the call under way on that thread: the call that this thread runs (a frame of ours, kept
 * while the call runs, while an attempt's outcome is delivered from another thread, and restored with the
 * caller's context wherever the execution hops), else the nearest {@code resilience.call} of the current
 * observation and its parents that runs through the instance. Events that come after the call ended are
 * dropped; a call that ends rejected or timed out always carries at least one event saying so.
 *
 * <p>Not API beyond {@link #of}: the starter's interceptor and HTTP clients use the rest.
 */
public final class ResilienceObservations {

    /** The event types that become observation events; all are rare (a failure path each). */
    static final Set<EventType> OBSERVED = EnumSet.of(EventType.RETRY_SCHEDULED, EventType.FALLBACK_USED,
            EventType.NOT_PERMITTED, EventType.BULKHEAD_REJECTED, EventType.RATE_LIMITER_REJECTED,
            EventType.TIMEOUT);

    private static final ResilienceObservationConvention DEFAULT_CONVENTION =
            new DefaultResilienceObservationConvention();

    /** The calls this thread runs or delivers outcomes for, innermost first. */
    private static final ThreadLocal<Frame> FRAMES = new ThreadLocal<>();

    private final ObservationRegistry registry;
    private final ResilienceObservationConvention convention;
    /** The publishers already listened to (instances shared by several pipelines are subscribed once). */
    private final Set<EventPublisher> subscribed = ConcurrentHashMap.newKeySet();

    private ResilienceObservations(ObservationRegistry registry, ResilienceObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    /**
     * Observations in {@code registry}, named and tagged by {@code convention} ({@code null}: a global
     * convention of the registry, else {@link DefaultResilienceObservationConvention}); {@code null} when
     * {@code registry} is {@code null} or a no-op (no handler), as then there is nothing to observe.
     */
    public static ResilienceObservations of(ObservationRegistry registry,
            ResilienceObservationConvention convention) {
        if (registry == null || registry.isNoop()) {
            return null;
        }
        return new ResilienceObservations(registry, convention);
    }

    /**
     * The observed calls of {@code pipeline}, reported under {@code instanceName}. Subscribes to the events of
     * its policies (once per instance).
     */
    public ObservedCalls calls(String instanceName, ResilienceObservationContext.Kind kind,
            ResiliencePipeline pipeline) {
        listen(pipeline.retry() == null ? null : pipeline.retry().events(), pipeline.retry());
        listen(pipeline.circuitBreaker() == null ? null : pipeline.circuitBreaker().events(),
                pipeline.circuitBreaker());
        listen(pipeline.rateLimiter() == null ? null : pipeline.rateLimiter().events(), pipeline.rateLimiter());
        listen(pipeline.timeout() == null ? null : pipeline.timeout().events(), pipeline.timeout());
        listen(pipeline.bulkhead() == null ? null : pipeline.bulkhead().events(), pipeline.bulkhead());
        listen(pipeline.fallback() == null ? null : pipeline.fallback().events(), pipeline.fallback());
        return new ObservedCalls(this, instanceName, kind, pipeline);
    }

    /**
     * {@code delegate}, plus the call this thread runs: an asynchronous execution captured during an observed
     * call restores it on every thread it hops to (its retries, timeouts, fallbacks), so their events reach
     * the call's observation. Opens no scope of the observation there: the caller's own context is restored
     * as {@code delegate} captured it.
     */
    public ContextPropagation propagation(ContextPropagation delegate) {
        return () -> {
            ContextPropagation.Snapshot captured = delegate.capture();
            Frame current = FRAMES.get();
            if (current == null) {
                return captured;
            }
            ResilienceObservationContext call = current.call;
            return () -> {
                ContextPropagation.Scope outer = captured.restore();
                Frame frame = enter(call, false);
                return () -> {
                    exit(frame);
                    outer.close();
                };
            };
        };
    }

    Observation start(ResilienceObservationContext call) {
        Observation observation = Observation.createNotStarted(convention, DEFAULT_CONVENTION, () -> call,
                registry);
        call.observation = observation;
        return observation.start();
    }

    /**
     * Makes {@code call} the one this thread runs until {@link #exit}; with {@code scoped}, also the current
     * observation (an open scope), unless it has ended.
     */
    static Frame enter(ResilienceObservationContext call, boolean scoped) {
        Frame previous = FRAMES.get();
        Observation.Scope scope = scoped && !call.finished ? call.observation.openScope() : null;
        Frame frame = new Frame(call, scope, previous);
        FRAMES.set(frame);
        return frame;
    }

    static void exit(Frame frame) {
        FRAMES.set(frame.previous);
        if (frame.scope != null) {
            frame.scope.close();
        }
    }

    /**
     * Ends {@code call}: its outcome from {@code failure} ({@code null}: it returned), the error, and the
     * events of a rejection or a timeout that came too late to be seen (an asynchronous timeout announces
     * itself after its call's outcome). Only the first end counts.
     */
    static void finish(ResilienceObservationContext call, Throwable failure, boolean cancelled) {
        if (!call.finish()) {
            return;
        }
        if (call.eventPending) {
            // An event may be under way on another thread: let it end (it sees the call finished after).
            synchronized (call) {
                // nothing: the lock orders it before what follows
            }
        }
        Throwable cause = failure == null ? null : unwrap(failure);
        Observation observation = call.observation;
        Outcome outcome;
        if (cancelled || cause instanceof CancellationException) {
            outcome = Outcome.CANCELLED;
        } else if (cause == null) {
            outcome = call.fallbackUsed ? Outcome.FALLBACK : Outcome.SUCCESS;
        } else if (cause instanceof TimeoutExceededException timeout) {
            outcome = Outcome.TIMEOUT;
            if (!call.sawTimeout) {
                observation.event(Observation.Event.of(Events.TIMEOUT.getName(),
                        "timeout " + timeout.timeoutName() + " after " + timeout.duration()));
            }
        } else if (isRejection(cause)) {
            outcome = Outcome.REJECTED;
            if (!call.sawRejection) {
                observation.event(Observation.Event.of(Events.REJECTED.getName(), rejectedBy(cause)));
            }
        } else {
            outcome = Outcome.FAILURE;
        }
        call.setOutcome(outcome);
        if (cause != null && outcome != Outcome.CANCELLED) {
            observation.error(cause);
        }
        observation.stop();
    }

    private static boolean isRejection(Throwable failure) {
        return failure instanceof CircuitBreakerOpenException || failure instanceof BulkheadFullException
                || failure instanceof RateLimitExceededException;
    }

    private static String rejectedBy(Throwable rejection) {
        if (rejection instanceof CircuitBreakerOpenException open) {
            return "rejected by circuitbreaker " + open.circuitBreakerName();
        }
        if (rejection instanceof BulkheadFullException full) {
            return "rejected by bulkhead " + full.bulkheadName();
        }
        return "rejected by ratelimiter " + ((RateLimitExceededException) rejection).rateLimiterName();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    private void listen(EventPublisher events, Object instance) {
        if (events != null && subscribed.add(events)) {
            events.subscribe(OBSERVED, event -> onEvent(instance, event));
        }
    }

    private void onEvent(Object instance, ResilienceEvent event) {
        ResilienceObservationContext call = callOf(instance);
        if (call == null) {
            return;
        }
        // Announced before the check: a call finishing meanwhile sees it and waits for the lock (see finish).
        call.eventPending = true;
        if (call.finished) {
            return; // after the outcome: the observation has stopped
        }
        synchronized (call) {
            if (call.finished) {
                return;
            }
            switch (event.type()) {
                case TIMEOUT -> call.sawTimeout = true;
                case NOT_PERMITTED, BULKHEAD_REJECTED, RATE_LIMITER_REJECTED -> call.sawRejection = true;
                case FALLBACK_USED -> call.fallbackUsed = true;
                default -> {
                }
            }
            call.observation.event(toEvent(event));
        }
    }

    /** The call under way on this thread that runs through {@code instance}, or {@code null}. */
    private ResilienceObservationContext callOf(Object instance) {
        for (Frame frame = FRAMES.get(); frame != null; frame = frame.previous) {
            if (frame.call.owns(instance)) {
                return frame.call;
            }
        }
        ObservationView observation = registry.getCurrentObservation();
        for (int depth = 0; observation != null && depth < 64; depth++) {
            Observation.ContextView context = observation.getContextView();
            if (context instanceof ResilienceObservationContext call && call.owns(instance)) {
                return call;
            }
            observation = context.getParentObservation();
        }
        return null;
    }

    private static Observation.Event toEvent(ResilienceEvent event) {
        String failure = event.error() == null ? "" : " (" + event.error().getClass().getSimpleName() + ")";
        return switch (event.type()) {
            case RETRY_SCHEDULED -> Observation.Event.of(Events.RETRY.getName(),
                    "retry " + event.name() + ": " + event.detail() + failure);
            case FALLBACK_USED -> Observation.Event.of(Events.FALLBACK.getName(),
                    "fallback " + event.name() + " for " + event.detail());
            case NOT_PERMITTED -> Observation.Event.of(Events.REJECTED.getName(),
                    "rejected by circuitbreaker " + event.name());
            case BULKHEAD_REJECTED -> Observation.Event.of(Events.REJECTED.getName(),
                    "rejected by bulkhead " + event.name());
            case RATE_LIMITER_REJECTED -> Observation.Event.of(Events.REJECTED.getName(),
                    "rejected by ratelimiter " + event.name());
            case TIMEOUT -> Observation.Event.of(Events.TIMEOUT.getName(),
                    "timeout " + event.name() + (event.duration() == null ? "" : " after " + event.duration()));
            default -> Observation.Event.of(event.type().name().toLowerCase(java.util.Locale.ROOT));
        };
    }

    /** A call this thread runs, and the scope of its observation if one was opened. Not API. */
    public static final class Frame {

        final ResilienceObservationContext call;
        final Observation.Scope scope;
        final Frame previous;

        Frame(ResilienceObservationContext call, Observation.Scope scope, Frame previous) {
            this.call = call;
            this.scope = scope;
            this.previous = previous;
        }
    }
}

package dev.resilience.spring.observation;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.spring.observation.ResilienceObservations.Frame;
import io.micrometer.observation.ObservationView;

/**
 * The observed calls of one pipeline, reported under one name. Not API: what the starter's interceptor and
 * HTTP clients use around a call when an {@code ObservationRegistry} is configured.
 */
public final class ObservedCalls {

    private final ResilienceObservations observations;
    private final String instanceName;
    private final ResilienceObservationContext.Kind kind;
    private final ResiliencePipeline pipeline;
    private final DefaultResilienceObservationConvention.Names names;

    ObservedCalls(ResilienceObservations observations, String instanceName, ResilienceObservationContext.Kind kind,
            ResiliencePipeline pipeline) {
        this.observations = observations;
        this.instanceName = instanceName;
        this.kind = kind;
        this.pipeline = pipeline;
        this.names = new DefaultResilienceObservationConvention.Names(instanceName);
    }

    /** The name calls are reported under. */
    public String instanceName() {
        return instanceName;
    }

    /** Starts the observation of a call, a child of the current observation. */
    public ResilienceObservationContext start() {
        return start(null);
    }

    /** Starts the observation of a call, a child of {@code parent} ({@code null}: the current observation). */
    public ResilienceObservationContext start(ObservationView parent) {
        ResilienceObservationContext call = new ResilienceObservationContext(instanceName, kind, pipeline);
        call.names = names;
        if (parent != null) {
            call.setParentObservation(parent);
        }
        observations.start(call);
        return call;
    }

    /**
     * Makes {@code call} the one this thread runs, until {@link #exit}: its events reach its observation, and
     * an asynchronous execution captured now carries it. With {@code scoped}, its observation is also the
     * current one (e.g. for the method body, so that what it observes is a child).
     */
    public Frame enter(ResilienceObservationContext call, boolean scoped) {
        return ResilienceObservations.enter(call, scoped);
    }

    public void exit(Frame frame) {
        ResilienceObservations.exit(frame);
    }

    /** Ends {@code call} with {@code failure}, or as returned when {@code null}. Later ends are ignored. */
    public void finish(ResilienceObservationContext call, Throwable failure) {
        ResilienceObservations.finish(call, failure, false);
    }

    /** Ends {@code call} as cancelled, unless it has ended. */
    public void cancelled(ResilienceObservationContext call) {
        ResilienceObservations.finish(call, null, true);
    }

    /**
     * The future to hand the caller for {@code execution}, the pipeline's future of {@code call}: it completes
     * as {@code execution} does, once the call's observation has ended (so whoever waits for it finds the
     * observation stopped). Cancelling or completing it stops the execution, as doing so to the execution
     * would. {@code execution} itself when it is done already.
     */
    public <T> CompletableFuture<T> observe(ResilienceObservationContext call, CompletableFuture<T> execution) {
        if (execution.isDone()) {
            finish(call, execution.isCompletedExceptionally() ? failureOf(execution) : null);
            return execution;
        }
        ObservedFuture<T> observed = new ObservedFuture<>(call, execution);
        execution.whenComplete(observed);
        return observed;
    }

    private static Throwable failureOf(CompletableFuture<?> done) {
        try {
            done.join();
            return null;
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException failure) {
            return failure;
        }
    }

    /** The caller's future of an observed asynchronous call. */
    private static final class ObservedFuture<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {

        private final ResilienceObservationContext call;
        private final CompletableFuture<T> execution;

        ObservedFuture(ResilienceObservationContext call, CompletableFuture<T> execution) {
            this.call = call;
            this.execution = execution;
        }

        /** The execution's outcome: ends the observation, then completes this future. */
        @Override
        public void accept(T value, Throwable failure) {
            ResilienceObservations.finish(call, failure, false);
            if (failure == null) {
                super.complete(value);
            } else {
                super.completeExceptionally(failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause() : failure);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            execution.cancel(mayInterruptIfRunning);
            return cancelled;
        }

        @Override
        public boolean complete(T value) {
            boolean completed = super.complete(value);
            execution.complete(value);
            return completed;
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            boolean completed = super.completeExceptionally(failure);
            execution.completeExceptionally(failure);
            return completed;
        }
    }

    /**
     * {@code attempt}, whose outcome is handed to the pipeline with {@code call} as the call this thread runs,
     * wherever the attempt completes (its events, a retry scheduled after it, reach the call's observation).
     * Cancelling what is returned cancels {@code attempt}.
     */
    public <T> CompletionStage<T> delivering(ResilienceObservationContext call, CompletionStage<T> attempt) {
        if (attempt instanceof CompletableFuture<T> future && future.isDone()) {
            return attempt; // the pipeline reads it on this thread
        }
        Delivered<T> delivered = new Delivered<>(call, attempt);
        attempt.whenComplete(delivered);
        return delivered;
    }

    /** An attempt's outcome, completed with the call it belongs to as the one this thread runs. */
    private static final class Delivered<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {

        private final ResilienceObservationContext call;
        private final CompletionStage<T> attempt;

        Delivered(ResilienceObservationContext call, CompletionStage<T> attempt) {
            this.call = call;
            this.attempt = attempt;
        }

        @Override
        public void accept(T value, Throwable failure) {
            Frame frame = ResilienceObservations.enter(call, false);
            try {
                if (failure == null) {
                    complete(value);
                } else {
                    completeExceptionally(failure);
                }
            } finally {
                ResilienceObservations.exit(frame);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            try {
                attempt.toCompletableFuture().cancel(mayInterruptIfRunning);
            } catch (UnsupportedOperationException notAFuture) {
                // a stage that cannot be cancelled: its outcome is ignored once this is cancelled
            }
            return cancelled;
        }
    }
}

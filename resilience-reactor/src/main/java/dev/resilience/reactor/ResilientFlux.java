package dev.resilience.reactor;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;

import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimitKey;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A multi-value publisher run through a pipeline: each subscription is one execution, each attempt one
 * subscription to the source. The attempts (and a fallback publisher) are concatenated into the subscriber's
 * stream by Reactor's {@code concatMap}, which carries demand from one to the next and keeps signals serial
 * even when a timed-out attempt and its retry overlap on different threads.
 */
final class ResilientFlux<T> extends Flux<T> {

    private final Publisher<?> source;
    private final ResiliencePipeline pipeline;
    private final FallbackFunction<?> fallback;
    /** The rate-limit key of every subscription; {@code null}: the limiter's shared bucket. */
    private final Object key;

    private ResilientFlux(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback,
            Object key) {
        this.source = source;
        this.pipeline = pipeline;
        this.fallback = fallback;
        this.key = key;
    }

    static <T> Flux<T> of(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback) {
        return of(source, pipeline, fallback, null);
    }

    static <T> Flux<T> of(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback,
            Object key) {
        if (pipeline.hedge() != null) {
            // Attempts race side by side, but a Flux's elements reach the subscriber as they come: a loser's
            // elements could not be taken back.
            throw new IllegalArgumentException("pipeline '" + pipeline.description() + "' has a hedge, which cannot "
                    + "run a Flux (the elements of several attempts would interleave); hedge a Mono, e.g. the "
                    + "Flux's collectList()");
        }
        return onAssembly(new ResilientFlux<>(source, pipeline, fallback, key));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Execution<T> execution = new Execution<>(this);
        execution.stream().subscribe(actual);
        execution.start(actual);
    }

    /**
     * One subscription: its stream of attempts, and the pipeline's execution that makes them. As the
     * execution's call, it carries the rate-limit key a rate limiter in the pipeline takes its permit under.
     */
    private static final class Execution<T> implements Supplier<CompletionStage<Object>>, FallbackFunction<Object>,
            BiConsumer<Object, Throwable>, RateLimitKey {

        private final ResilientFlux<T> parent;
        private final Sinks.Many<Flux<T>> attempts = Sinks.many().unicast().onBackpressureBuffer();
        private volatile FluxAttempt<T> current;
        private volatile AsyncExecution execution;
        private volatile boolean cancelled;

        Execution(ResilientFlux<T> parent) {
            this.parent = parent;
        }

        Flux<T> stream() {
            // Errors wait for the attempt under way to end, so its elements all arrive before the error.
            return attempts.asFlux().concatMapDelayError(Function.identity(), true, 1)
                    .doOnCancel(this::subscriberCancelled);
        }

        void start(CoreSubscriber<? super T> actual) {
            if (cancelled) {
                return;
            }
            ResiliencePipeline pipeline = parent.pipeline;
            AsyncExecution started = new AsyncExecution(this, pipeline.fallback() == null ? null : this,
                    ReactiveContext.capture(pipeline, actual.currentContext()), pipeline.asyncExecutor(), true);
            execution = started;
            pipeline.start(started);
            if (cancelled) {
                started.cancel(false);
            }
            started.whenComplete(this);
        }

        @Override
        public Object rateLimitKey() {
            return parent.key;
        }

        /** One attempt: a new subscription to the source, its elements into the subscriber's stream. */
        @Override
        public CompletionStage<Object> get() {
            return publish(new FluxAttempt<>(parent.source));
        }

        /** The fallback: a publisher's elements follow those already delivered; a plain value is one element. */
        @Override
        public Object apply(Throwable failure) throws Throwable {
            Object replacement = parent.fallback != null ? parent.fallback.apply(failure)
                    : parent.pipeline.fallback().apply(failure);
            if (replacement == null) {
                return null;
            }
            return publish(new FluxAttempt<>(replacement instanceof Publisher<?> publisher ? publisher
                    : Flux.just(replacement)));
        }

        private FluxAttempt<T> publish(FluxAttempt<T> attempt) {
            current = attempt;
            Sinks.EmitResult result;
            while ((result = attempts.tryEmitNext(attempt.elements())) == Sinks.EmitResult.FAIL_NON_SERIALIZED) {
                Thread.onSpinWait(); // another thread is ending the previous attempt's emission
            }
            if (result.isFailure()) {
                attempt.cancel(false); // the subscriber has gone
            }
            return attempt;
        }

        /** The execution's outcome ends the stream once the last attempt's elements are through. */
        @Override
        public void accept(Object value, Throwable failure) {
            if (cancelled) {
                return;
            }
            if (failure == null) {
                attempts.tryEmitComplete();
            } else {
                attempts.tryEmitError(AsyncExecution.unwrap(failure));
            }
        }

        /**
         * Before any element of the attempt under way, the subscriber's cancellation cancels the execution: the
         * attempt is stopped and every permit handed back, nothing counted. After elements, the attempt ends
         * as a success (the subscriber took what it wanted), then the subscription is cancelled.
         */
        private void subscriberCancelled() {
            cancelled = true;
            FluxAttempt<T> attempt = current;
            if (attempt != null && attempt.emitted() && attempt.complete(null)) {
                return;
            }
            AsyncExecution running = execution;
            if (running != null) {
                running.cancel(false);
            }
        }
    }
}

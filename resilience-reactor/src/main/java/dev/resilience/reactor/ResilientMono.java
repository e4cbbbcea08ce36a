package dev.resilience.reactor;

import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;

import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.internal.AsyncExecution;
import dev.resilience.core.internal.AsyncStage;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimitKey;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A single-value publisher run through a pipeline: each subscription is one execution of the pipeline's
 * asynchronous stages, and each attempt one subscription to the source.
 */
final class ResilientMono<T> extends Mono<T> {

    private final Publisher<?> source;
    private final ResiliencePipeline pipeline;
    private final FallbackFunction<?> fallback;
    /** The rate-limit key of every subscription; {@code null}: the limiter's shared bucket. */
    private final Object key;

    private ResilientMono(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback,
            Object key) {
        this.source = source;
        this.pipeline = pipeline;
        this.fallback = fallback;
        this.key = key;
    }

    static <T> Mono<T> of(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback) {
        return of(source, pipeline, fallback, null);
    }

    static <T> Mono<T> of(Publisher<?> source, ResiliencePipeline pipeline, FallbackFunction<?> fallback,
            Object key) {
        return onAssembly(new ResilientMono<>(source, pipeline, fallback, key));
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        Execution<T> execution = new Execution<>(actual, this);
        actual.onSubscribe(execution);
        execution.start();
    }

    /**
     * One subscription: the subscriber's side, the pipeline's execution, and how an attempt subscribes. As the
     * execution's call, it carries the rate-limit key a rate limiter in the pipeline takes its permit under.
     */
    private static final class Execution<T> extends Operators.MonoSubscriber<Object, T>
            implements Supplier<CompletionStage<Object>>, FallbackFunction<Object>, BiConsumer<Object, Throwable>,
            RateLimitKey {

        private final ResilientMono<T> parent;
        private final Context context;
        private volatile AsyncExecution execution;

        Execution(CoreSubscriber<? super T> actual, ResilientMono<T> parent) {
            super(actual);
            this.parent = parent;
            this.context = actual.currentContext();
        }

        void start() {
            if (isCancelled()) {
                return;
            }
            ResiliencePipeline pipeline = parent.pipeline;
            AsyncExecution started = new AsyncExecution(this, pipeline.fallback() == null ? null : this,
                    ReactiveContext.capture(pipeline, context), pipeline.asyncExecutor(), true);
            started.onDiscard(value -> Operators.onDiscard(value, context));
            execution = started;
            pipeline.start(started);
            if (isCancelled()) {
                started.cancel(false); // cancelled while the first attempt started
            }
            if (AsyncStage.succeededNow(started)) {
                accept(started.getNow(null), null);
            } else {
                started.whenComplete(this);
            }
        }

        @Override
        public Object rateLimitKey() {
            return parent.key;
        }

        /** One attempt: a new subscription to the source, with the subscriber's context. */
        @Override
        public CompletionStage<Object> get() {
            return MonoAttempt.subscribe(parent.source, context);
        }

        /** The fallback: a publisher is subscribed like an attempt; a plain value is the result. */
        @Override
        public Object apply(Throwable failure) throws Throwable {
            Object replacement = parent.fallback != null ? parent.fallback.apply(failure)
                    : parent.pipeline.fallback().apply(failure);
            return replacement instanceof Publisher<?> publisher ? MonoAttempt.subscribe(publisher, context)
                    : replacement;
        }

        /** The execution's outcome. */
        @Override
        @SuppressWarnings("unchecked")
        public void accept(Object value, Throwable failure) {
            if (isCancelled()) {
                Operators.onDiscard(value, context); // the subscriber left: release what came
                return;
            }
            if (failure != null) {
                actual.onError(AsyncExecution.unwrap(failure));
            } else if (value == null) {
                actual.onComplete();
            } else {
                complete((T) value);
            }
        }

        /** The subscriber cancelled: the attempt under way is cancelled and every permit handed back. */
        @Override
        public void cancel() {
            super.cancel();
            AsyncExecution running = execution;
            if (running != null) {
                running.cancel(false);
            }
        }
    }
}

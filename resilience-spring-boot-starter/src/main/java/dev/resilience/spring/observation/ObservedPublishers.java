package dev.resilience.spring.observation;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import dev.resilience.spring.observation.ResilienceObservations.Frame;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Observed calls in the reactive style: each subscription to a protected publisher is one
 * {@code resilience.call}, from subscription to the terminal signal (a {@code Mono}'s value ends it), a child
 * of the observation in the subscriber's Reactor context (else of the subscribing thread's). Each attempt's
 * subscription to the source carries the call's observation in its Reactor context (so what the source
 * observes, a {@code WebClient} exchange say, is a child of the call), and the attempt's signals are
 * delivered with the call as the one the thread runs, so the events they lead to (a retry) reach it.
 *
 * <p>Not API. Loaded only when Reactor is on the class path.
 */
public final class ObservedPublishers {

    private ObservedPublishers() {
    }

    /** {@code protectedSource}, a {@code Mono} through a pipeline, with each subscription observed. */
    public static <T> Mono<T> mono(ObservedCalls calls, Mono<T> protectedSource) {
        return new ObservedMono<>(calls, protectedSource);
    }

    /** {@code protectedSource}, a {@code Flux} through a pipeline, with each subscription observed. */
    public static <T> Flux<T> flux(ObservedCalls calls, Flux<T> protectedSource) {
        return new ObservedFlux<>(calls, protectedSource);
    }

    /**
     * {@code source}, the publisher each attempt subscribes to, delivering its signals for the observed call
     * it is subscribed under; a {@code Mono} stays a {@code Mono}.
     */
    @SuppressWarnings("unchecked")
    public static <T> Publisher<T> attempts(Publisher<T> source) {
        return source instanceof Mono<?> ? new AttemptMono<>((Mono<T>) source) : new AttemptFlux<>(source);
    }

    private static <T> void subscribeObserved(ObservedCalls calls, Publisher<T> protectedSource,
            CoreSubscriber<? super T> actual, boolean single) {
        Object parent = actual.currentContext().getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        ResilienceObservationContext call = calls.start(parent instanceof ObservationView view ? view : null);
        CallSubscriber<T> subscriber = new CallSubscriber<>(actual, calls, call, single);
        // The call is this thread's while the pipeline starts: the execution captures it for its hops.
        Frame frame = calls.enter(call, false);
        try {
            protectedSource.subscribe(subscriber);
        } finally {
            calls.exit(frame);
        }
    }

    private static final class ObservedMono<T> extends Mono<T> {

        private final ObservedCalls calls;
        private final Mono<T> protectedSource;

        ObservedMono(ObservedCalls calls, Mono<T> protectedSource) {
            this.calls = calls;
            this.protectedSource = protectedSource;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeObserved(calls, protectedSource, actual, true);
        }
    }

    private static final class ObservedFlux<T> extends Flux<T> {

        private final ObservedCalls calls;
        private final Flux<T> protectedSource;

        ObservedFlux(ObservedCalls calls, Flux<T> protectedSource) {
            this.calls = calls;
            this.protectedSource = protectedSource;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeObserved(calls, protectedSource, actual, false);
        }
    }

    /** The subscriber's side of one observed call: ends the observation at the call's end. */
    private static final class CallSubscriber<T> implements CoreSubscriber<T>, Subscription {

        private final CoreSubscriber<? super T> actual;
        private final ObservedCalls calls;
        private final ResilienceObservationContext call;
        /** A {@code Mono}: its value ends the call. */
        private final boolean single;
        private final Context context;
        private Subscription upstream;

        CallSubscriber(CoreSubscriber<? super T> actual, ObservedCalls calls, ResilienceObservationContext call,
                boolean single) {
            this.actual = actual;
            this.calls = calls;
            this.call = call;
            this.single = single;
            this.context = actual.currentContext().put(ResilienceObservationContext.class, call);
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            upstream = subscription;
            actual.onSubscribe(this);
        }

        @Override
        public void onNext(T value) {
            if (single) {
                calls.finish(call, null);
            }
            actual.onNext(value);
        }

        @Override
        public void onError(Throwable failure) {
            calls.finish(call, failure);
            actual.onError(failure);
        }

        @Override
        public void onComplete() {
            calls.finish(call, null);
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            calls.cancelled(call);
            upstream.cancel();
        }
    }

    private static <T> void subscribeAttempt(Publisher<T> source, CoreSubscriber<? super T> actual) {
        Object call = actual.currentContext().getOrDefault(ResilienceObservationContext.class, null);
        if (call instanceof ResilienceObservationContext observed) {
            source.subscribe(new DeliveringSubscriber<>(actual, observed));
        } else {
            source.subscribe(actual);
        }
    }

    private static final class AttemptMono<T> extends Mono<T> {

        private final Mono<T> source;

        AttemptMono(Mono<T> source) {
            this.source = source;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeAttempt(source, actual);
        }
    }

    private static final class AttemptFlux<T> extends Flux<T> {

        private final Publisher<T> source;

        AttemptFlux(Publisher<T> source) {
            this.source = source;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeAttempt(source, actual);
        }
    }

    /** One attempt's subscriber: its signals go on with the call as the one this thread runs. */
    private static final class DeliveringSubscriber<T> implements CoreSubscriber<T> {

        private final CoreSubscriber<? super T> actual;
        private final ResilienceObservationContext call;
        private final Context context;

        DeliveringSubscriber(CoreSubscriber<? super T> actual, ResilienceObservationContext call) {
            this.actual = actual;
            this.call = call;
            Context downstream = actual.currentContext();
            this.context = call.observation.isNoop() ? downstream
                    : downstream.put(ObservationThreadLocalAccessor.KEY, call.observation);
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            actual.onSubscribe(subscription);
        }

        @Override
        public void onNext(T value) {
            Frame frame = ResilienceObservations.enter(call, false);
            try {
                actual.onNext(value);
            } finally {
                ResilienceObservations.exit(frame);
            }
        }

        @Override
        public void onError(Throwable failure) {
            Frame frame = ResilienceObservations.enter(call, false);
            try {
                actual.onError(failure);
            } finally {
                ResilienceObservations.exit(frame);
            }
        }

        @Override
        public void onComplete() {
            Frame frame = ResilienceObservations.enter(call, false);
            try {
                actual.onComplete();
            } finally {
                ResilienceObservations.exit(frame);
            }
        }
    }
}

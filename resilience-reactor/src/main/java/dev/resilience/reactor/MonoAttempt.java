package dev.resilience.reactor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One subscription to a single-value publisher, seen by the pipeline as an attempt's future: its value (or
 * {@code null} when it completes empty), or its error. Cancelling the future cancels the subscription, so a
 * timeout or the caller really stops the work.
 */
final class MonoAttempt extends CompletableFuture<Object> implements CoreSubscriber<Object> {

    private static final AtomicReferenceFieldUpdater<MonoAttempt, Subscription> UPSTREAM =
            AtomicReferenceFieldUpdater.newUpdater(MonoAttempt.class, Subscription.class, "upstream");

    private final Context context;
    /** A publisher that is not a {@code Mono} might go on after its first value: it is cancelled then. */
    private final boolean cancelAfterValue;
    private volatile Subscription upstream;

    private MonoAttempt(Context context, boolean cancelAfterValue) {
        this.context = context;
        this.cancelAfterValue = cancelAfterValue;
    }

    /** Subscribes to {@code source} with the subscriber's {@code context}; the future may be done on return. */
    @SuppressWarnings("unchecked")
    static MonoAttempt subscribe(Publisher<?> source, Context context) {
        MonoAttempt attempt = new MonoAttempt(context, !(source instanceof Mono<?>));
        ((Publisher<Object>) source).subscribe(attempt);
        return attempt;
    }

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
        if (Operators.setOnce(UPSTREAM, this, subscription)) {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(Object value) {
        // A single-value publisher: the first value decides; a second would be a bug upstream, dropped.
        if (complete(value)) {
            if (cancelAfterValue) {
                Operators.terminate(UPSTREAM, this);
            }
        } else {
            Operators.onDiscard(value, context); // cancelled first (a timeout, the caller): release it
        }
    }

    @Override
    public void onError(Throwable failure) {
        if (!completeExceptionally(failure)) {
            Operators.onErrorDropped(failure, context);
        }
    }

    @Override
    public void onComplete() {
        complete(null);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            Operators.terminate(UPSTREAM, this); // not after the outcome: the source has finished
        }
        return cancelled;
    }
}

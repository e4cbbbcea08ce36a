package dev.resilience.reactor;

import java.util.concurrent.CompletableFuture;

import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One subscription to a multi-value publisher, seen by the pipeline as an attempt's future that completes at
 * the terminal signal. Its elements go straight to the subscriber; its error ends the attempt instead of the
 * stream, so the pipeline decides what comes next. Cancelling the future ends the subscription.
 */
final class FluxAttempt<T> extends CompletableFuture<Object> {

    private final Sinks.One<Boolean> stop = Sinks.one();
    private final Flux<T> elements;
    /** Whether an element of this attempt reached the subscriber: a cancellation then counts as success. */
    private volatile boolean emitted;

    @SuppressWarnings("unchecked")
    FluxAttempt(Publisher<?> source) {
        this.elements = Flux.from((Publisher<T>) source)
                .doOnNext(element -> emitted = true)
                .takeUntilOther(stop.asMono())
                .onErrorResume(failure -> {
                    completeExceptionally(failure);
                    return Mono.empty();
                })
                .doOnComplete(() -> complete(null));
    }

    /** Published once, to the execution's stream of attempts. */
    Flux<T> elements() {
        return elements;
    }

    boolean emitted() {
        return emitted;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        stop.tryEmitValue(Boolean.TRUE);
        return cancelled;
    }
}

package dev.resilience.reactor;

import java.util.Objects;
import java.util.function.Function;

import org.reactivestreams.Publisher;

import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.pipeline.ResiliencePipeline;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Mono} or {@link Flux} through a {@link ResiliencePipeline}, in the pipeline's one order
 * (Fallback → Retry → Hedge → CircuitBreaker → RateLimiter → Timeout → Bulkhead → subscription):
 *
 * <pre>{@code
 * Mono<Stock> stock = webClient.get().uri("/stock/{id}", id).retrieve().bodyToMono(Stock.class)
 *         .transformDeferred(ResilienceOperator.of(pipeline));
 * }</pre>
 *
 * <ul>
 * <li>Nothing happens until subscription; each subscription is one execution, and each retry subscribes to the
 * source again.</li>
 * <li>The breaker counts a {@code Mono} as a success on its value or on empty completion, a {@code Flux} on
 * completion; a cancellation before any element hands the permit back and counts nothing, one after
 * elements counts as a success. A call lasts from subscription to the terminal signal.</li>
 * <li>The timeout covers the whole subscription; at the deadline the subscription is cancelled and the
 * subscriber gets {@code TimeoutExceededException}.</li>
 * <li>A bulkhead place is held from subscription to the terminal signal or cancellation; waiting for one
 * blocks no thread.</li>
 * <li>A rate limiter takes one permit per attempt (each subscription to the source); waiting for one blocks no
 * thread. With a key ({@link #mono(Publisher, FallbackFunction, Object)}), the permit comes from that key's
 * bucket.</li>
 * <li>A fallback may return a publisher (subscribed in place of the failed one) or a plain value.</li>
 * </ul>
 */
public final class ResilienceOperator<T> implements Function<Publisher<T>, Publisher<T>> {

    private final ResiliencePipeline pipeline;
    private final FallbackFunction<?> fallback;

    private ResilienceOperator(ResiliencePipeline pipeline, FallbackFunction<?> fallback) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.fallback = fallback;
    }

    /** An operator running publishers through {@code pipeline}, with its fallback's own function if any. */
    public static <T> ResilienceOperator<T> of(ResiliencePipeline pipeline) {
        return new ResilienceOperator<>(pipeline, null);
    }

    /**
     * The same operator with {@code fallback} supplying the replacement (a publisher or a value) in place of
     * the pipeline fallback's own function; the pipeline's fallback still decides which failures it handles.
     */
    public ResilienceOperator<T> withFallback(FallbackFunction<?> fallback) {
        return new ResilienceOperator<>(pipeline, Objects.requireNonNull(fallback, "fallback"));
    }

    /** A {@code Mono} stays a {@code Mono}; any other publisher becomes a {@code Flux}. */
    @Override
    public Publisher<T> apply(Publisher<T> source) {
        return source instanceof Mono<?> ? mono(source) : flux(source);
    }

    /** {@code source}, a publisher of at most one value, through the pipeline. */
    public Mono<T> mono(Publisher<? extends T> source) {
        return ResilientMono.of(Objects.requireNonNull(source, "source"), pipeline, fallback);
    }

    /** {@code source} through the pipeline. */
    public Flux<T> flux(Publisher<? extends T> source) {
        return ResilientFlux.of(Objects.requireNonNull(source, "source"), pipeline, fallback);
    }

    /**
     * As {@link #mono(Publisher)}, with {@code fallback} (a publisher or a value; {@code null} for this
     * operator's) for this source only: for adapters that know each call's fallback, e.g. a method's arguments.
     */
    public Mono<T> mono(Publisher<? extends T> source, FallbackFunction<?> fallback) {
        return ResilientMono.of(Objects.requireNonNull(source, "source"), pipeline,
                fallback != null ? fallback : this.fallback);
    }

    /** As {@link #flux(Publisher)}, with {@code fallback} for this source only. */
    public Flux<T> flux(Publisher<? extends T> source, FallbackFunction<?> fallback) {
        return ResilientFlux.of(Objects.requireNonNull(source, "source"), pipeline,
                fallback != null ? fallback : this.fallback);
    }

    /**
     * As {@link #mono(Publisher, FallbackFunction)}, with every subscription taking its rate-limiter permit from
     * the bucket of {@code key} (e.g. a tenant), each key limited on its own; {@code null} takes from the
     * limiter's shared bucket. Without a rate limiter in the pipeline, the key changes nothing.
     */
    public Mono<T> mono(Publisher<? extends T> source, FallbackFunction<?> fallback, Object key) {
        return ResilientMono.of(Objects.requireNonNull(source, "source"), pipeline,
                fallback != null ? fallback : this.fallback, key);
    }

    /**
     * As {@link #flux(Publisher, FallbackFunction)}, with every subscription taking its rate-limiter permit from
     * the bucket of {@code key}.
     */
    public Flux<T> flux(Publisher<? extends T> source, FallbackFunction<?> fallback, Object key) {
        return ResilientFlux.of(Objects.requireNonNull(source, "source"), pipeline,
                fallback != null ? fallback : this.fallback, key);
    }
}

package dev.resilience.spring.aop;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.reactivestreams.Publisher;
import org.springframework.core.KotlinDetector;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;

import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.reactor.ResilienceOperator;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ObservedPublishers;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reactive call style of one annotated method: a {@code Mono}, a {@code Flux}, any type Spring's
 * {@link ReactiveAdapterRegistry} knows (Kotlin's {@code Flow}, RxJava's types), or a Kotlin {@code suspend}
 * function, whose body Spring hands the interceptor as a {@code Mono}. The method runs once, when called, to
 * assemble its publisher; each subscription is then one execution of the pipeline, and each retry a new
 * subscription.
 *
 * <p>Loaded only when Reactor is on the class path.
 */
final class ReactiveCalls {

    private static final ReactiveAdapterRegistry ADAPTERS = ReactiveAdapterRegistry.getSharedInstance();

    /** Converts the method's return type to and from a publisher; {@code null} for a suspend function. */
    private final ReactiveAdapter adapter;
    private final boolean multiValue;
    private final ResilienceOperator<Object> operator;
    /** Observes each subscription; {@code null} without an {@code ObservationRegistry}. */
    private final ObservedCalls observed;

    private ReactiveCalls(ReactiveAdapter adapter, boolean multiValue, ResiliencePipeline pipeline,
            ObservedCalls observed) {
        this.adapter = adapter;
        this.multiValue = multiValue;
        this.operator = ResilienceOperator.of(pipeline);
        this.observed = observed;
    }

    /** Whether {@code method} returns a reactive type (or suspends): its calls then run as publishers. */
    static boolean isReactive(Method method) {
        return KotlinDetector.isSuspendingFunction(method) || ADAPTERS.getAdapter(method.getReturnType()) != null;
    }

    /** The reactive call style of {@code method}, which {@link #isReactive} accepted. */
    static ReactiveCalls of(Method method, ResiliencePipeline pipeline) {
        return of(method, pipeline, null);
    }

    /** As {@link #of(Method, ResiliencePipeline)}, each subscription observed by {@code observed} if not null. */
    static ReactiveCalls of(Method method, ResiliencePipeline pipeline, ObservedCalls observed) {
        if (KotlinDetector.isSuspendingFunction(method)) {
            return new ReactiveCalls(null, false, pipeline, observed);
        }
        ReactiveAdapter adapter = ADAPTERS.getAdapter(method.getReturnType());
        return new ReactiveCalls(adapter, adapter.isMultiValue(), pipeline, observed);
    }

    /**
     * Assembles the method's publisher and returns it running through the pipeline, as the method's type; each
     * subscription takes its rate-limiter permit under the call's {@code key} ({@code null}: none), evaluated
     * once, now. A key that cannot be evaluated is the publisher's error, which no policy sees.
     */
    Object execute(MethodInvocation invocation, FallbackMethods fallbackMethods, RateLimitKeyExpression key) {
        Object callKey = null;
        if (key != null) {
            try {
                callKey = key.evaluate(invocation.getArguments());
            } catch (RuntimeException failure) {
                Publisher<Object> error = observed(Mono.error(failure));
                return adapter == null ? error : adapter.fromPublisher(error);
            }
        }
        Publisher<?> source;
        try {
            Object assembled = invocation.proceed();
            if (assembled == null) {
                throw new NullPointerException(invocation.getMethod().getName() + " returned null instead of a "
                        + invocation.getMethod().getReturnType().getSimpleName());
            }
            source = adapter == null ? (Publisher<?>) assembled : adapter.toPublisher(assembled);
        } catch (Throwable failure) {
            // Failing to assemble is the call's failure: the policies see it when it is subscribed.
            source = Mono.error(failure);
        }
        FallbackFunction<?> fallback = fallbackMethods == null ? null : new Fallback(invocation, fallbackMethods);
        if (observed != null) {
            source = ObservedPublishers.attempts(source);
        }
        Publisher<Object> protectedSource = multiValue ? operator.flux(source, fallback, callKey)
                : operator.mono(source, fallback, callKey);
        if (observed != null) {
            protectedSource = observed(protectedSource);
        }
        return adapter == null ? protectedSource : adapter.fromPublisher(protectedSource);
    }

    /** {@code protectedSource} with each subscription observed; as it is when not observed. */
    @SuppressWarnings("unchecked")
    private Publisher<Object> observed(Publisher<Object> protectedSource) {
        if (observed == null) {
            return protectedSource;
        }
        return protectedSource instanceof Mono<Object> mono ? ObservedPublishers.mono(observed, mono)
                : ObservedPublishers.flux(observed, (Flux<Object>) protectedSource);
    }

    /** A publisher for what a fallback method returned, or the value itself. */
    static Object toPublisher(Object replacement) {
        if (replacement == null || replacement instanceof Publisher<?>) {
            return replacement;
        }
        ReactiveAdapter adapter = ADAPTERS.getAdapter(replacement.getClass());
        return adapter != null ? adapter.toPublisher(replacement) : replacement;
    }

    /** The method's fallback methods, with this call's arguments; what they return becomes a publisher. */
    private record Fallback(MethodInvocation invocation, FallbackMethods methods) implements FallbackFunction<Object> {

        @Override
        public Object apply(Throwable failure) throws Throwable {
            return toPublisher(methods.invoke(invocation.getThis(), invocation.getArguments(), failure));
        }
    }
}

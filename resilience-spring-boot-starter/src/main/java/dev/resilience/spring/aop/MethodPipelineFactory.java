package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

import dev.resilience.annotation.Fallback;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;

/**
 * Builds the {@link MethodPipeline} of an annotated method: instance names, registry instances (created
 * here, eagerly, so they exist before the first call), the fallback methods, sync or async.
 */
public class MethodPipelineFactory {

    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final TimeoutRegistry timeouts;
    private final BulkheadRegistry bulkheads;
    private final Clock clock;
    private final ContextPropagation contextPropagation;
    private final List<dev.resilience.core.fallback.Fallback<?>> fallbacks = new CopyOnWriteArrayList<>();
    private final List<Consumer<dev.resilience.core.fallback.Fallback<?>>> fallbackListeners =
            new CopyOnWriteArrayList<>();

    public MethodPipelineFactory(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock, ContextPropagation contextPropagation) {
        this.circuitBreakers = circuitBreakers;
        this.retries = retries;
        this.timeouts = timeouts;
        this.bulkheads = bulkheads;
        this.clock = clock;
        this.contextPropagation = contextPropagation;
    }

    /**
     * The pipeline of {@code method} (as declared on or inherited by {@code targetClass}), or {@code null}
     * when it carries no resilience annotation.
     *
     * @throws InvalidFallbackException when its {@code @Fallback} names no usable method
     * @throws IllegalStateException    when it returns a {@code CompletionStage} type that a
     *                                  {@code CompletableFuture} cannot stand in for
     */
    MethodPipeline create(Method method, Class<?> targetClass) {
        AnnotatedPolicies policies = AnnotatedPolicies.of(method, targetClass);
        if (policies.isEmpty()) {
            return null;
        }
        boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
        if (async && !method.getReturnType().isAssignableFrom(CompletableFuture.class)) {
            // The pipeline hands back a CompletableFuture; the proxy could not return it as a subtype.
            throw new IllegalStateException(policies.names() + " on " + targetClass.getName() + "."
                    + method.getName() + "(" + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                            .collect(Collectors.joining(", ")) + ") cannot be used: it returns "
                    + method.getReturnType().getName() + "; an asynchronous method must be declared to return "
                    + "CompletionStage or CompletableFuture.");
        }
        String description = ClassUtils.getUserClass(targetClass).getSimpleName() + "." + method.getName();
        ResiliencePipeline.Builder builder = ResiliencePipeline.builder().description(description).clock(clock)
                .contextPropagation(contextPropagation);
        if (policies.retry() != null) {
            builder.retry(retries.instance(nameOr(policies.retry().name(), description)));
        }
        if (policies.circuitBreaker() != null) {
            builder.circuitBreaker(circuitBreakers.instance(nameOr(policies.circuitBreaker().name(), description)));
        }
        if (policies.timeout() != null) {
            builder.timeout(timeouts.instance(nameOr(policies.timeout().name(), description)));
        }
        if (policies.bulkhead() != null) {
            builder.bulkhead(bulkheads.instance(nameOr(policies.bulkhead().name(), description)));
        }
        FallbackMethods fallbackMethods = null;
        Fallback fallback = policies.fallback();
        if (fallback != null) {
            fallbackMethods = FallbackMethods.resolve(targetClass, method, fallback);
            dev.resilience.core.fallback.Fallback<Object> coreFallback = dev.resilience.core.fallback.Fallback
                    .builder(description, FallbackMethods::rethrow).applyOn(fallbackMethods.handledTypes())
                    .skipOn(List.of(fallback.skipOn())).clock(clock).build();
            created(coreFallback);
            builder.fallback(coreFallback);
        }
        return new MethodPipeline(builder.build(), async, fallbackMethods);
    }

    /**
     * Calls {@code listener} for every fallback built so far and each one built later (fallbacks are not in a
     * registry: each {@code @Fallback} method has its own), e.g. to subscribe to their events.
     */
    public synchronized void onFallbackCreated(Consumer<dev.resilience.core.fallback.Fallback<?>> listener) {
        fallbackListeners.add(listener);
        fallbacks.forEach(listener);
    }

    private synchronized void created(dev.resilience.core.fallback.Fallback<?> fallback) {
        fallbacks.add(fallback);
        fallbackListeners.forEach(listener -> listener.accept(fallback));
    }

    private static String nameOr(String name, String description) {
        return name == null || name.isBlank() ? description : name;
    }
}

package dev.resilience.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.core.annotation.AnnotatedElementUtils;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;

/**
 * The resilience annotations that apply to one method of one bean class: on the method (or the interface or
 * superclass method it implements), else on the class for public methods other than the ones {@link Object}
 * declares ({@code equals}, {@code hashCode}, {@code toString}). A method-level annotation wins over a
 * class-level one of the same kind.
 */
record AnnotatedPolicies(Fallback fallback, Retry retry, CircuitBreaker circuitBreaker, RateLimiter rateLimiter,
        Timeout timeout, Bulkhead bulkhead, Hedge hedge) {

    static final AnnotatedPolicies NONE = new AnnotatedPolicies(null, null, null, null, null, null, null);

    private static final Set<String> OBJECT_METHODS = Arrays.stream(Object.class.getDeclaredMethods())
            .map(AnnotatedPolicies::signature).collect(Collectors.toUnmodifiableSet());

    /**
     * @param method      the method as declared on {@code targetClass} (the most specific method)
     * @param targetClass the user class of the bean
     */
    static AnnotatedPolicies of(Method method, Class<?> targetClass) {
        if (Modifier.isStatic(method.getModifiers()) || method.getDeclaringClass() == Object.class) {
            return NONE;
        }
        boolean classLevelApplies = Modifier.isPublic(method.getModifiers()) && !overridesObjectMethod(method);
        AnnotatedPolicies found = new AnnotatedPolicies(
                find(method, targetClass, Fallback.class, classLevelApplies),
                find(method, targetClass, Retry.class, classLevelApplies),
                find(method, targetClass, CircuitBreaker.class, classLevelApplies),
                find(method, targetClass, RateLimiter.class, classLevelApplies),
                find(method, targetClass, Timeout.class, classLevelApplies),
                find(method, targetClass, Bulkhead.class, classLevelApplies),
                find(method, targetClass, Hedge.class, false)); // @Hedge: on the method only (idempotent)
        return found.isEmpty() ? NONE : found;
    }

    /** equals, hashCode, toString and the like are no business methods: class-level annotations skip them. */
    private static boolean overridesObjectMethod(Method method) {
        return OBJECT_METHODS.contains(signature(method));
    }

    private static String signature(Method method) {
        return method.getName() + Arrays.toString(method.getParameterTypes());
    }

    private static <A extends Annotation> A find(Method method, Class<?> targetClass, Class<A> type,
            boolean classLevelApplies) {
        A onMethod = AnnotatedElementUtils.findMergedAnnotation(method, type);
        if (onMethod != null || !classLevelApplies) {
            return onMethod;
        }
        return AnnotatedElementUtils.findMergedAnnotation(targetClass, type);
    }

    /** The annotations present, in nesting order, for messages: {@code @Retry @Timeout}. */
    String names() {
        return Stream.of(fallback, retry, hedge, circuitBreaker, rateLimiter, timeout, bulkhead).filter(Objects::nonNull)
                .map(annotation -> "@" + annotation.annotationType().getSimpleName())
                .collect(Collectors.joining(" "));
    }

    boolean isEmpty() {
        return fallback == null && retry == null && circuitBreaker == null && rateLimiter == null && timeout == null
                && bulkhead == null && hedge == null;
    }
}

package dev.resilience.spring.aop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.springframework.core.CoroutinesUtils;
import org.springframework.core.KotlinDetector;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import dev.resilience.annotation.Fallback;

/**
 * The fallback methods a {@code @Fallback} names, resolved and validated once, when the bean is created.
 * A candidate takes the annotated method's parameters, optionally followed by one {@code Throwable} type,
 * returns a type assignable to the annotated method's and, for a synchronous method, declares no checked
 * exception the annotated method does not (the caller would get an {@code UndeclaredThrowableException}).
 * Overloads are ordered so the first whose exception parameter accepts the failure is the most specific; one
 * without an exception parameter accepts any failure. Invocation goes through a prepared
 * {@link MethodHandle}: no reflection per call.
 */
final class FallbackMethods {

    private final List<Candidate> candidates;
    private final List<Class<? extends Throwable>> handled;

    private FallbackMethods(List<Candidate> candidates, List<Class<? extends Throwable>> handled) {
        this.candidates = candidates;
        this.handled = handled;
    }

    /**
     * @throws InvalidFallbackException naming the class, the annotated method, the fallback name and the
     *                                  signatures expected
     */
    static FallbackMethods resolve(Class<?> targetClass, Method annotated, Fallback fallback) {
        return resolve(targetClass, annotated, fallback,
                CompletionStage.class.isAssignableFrom(annotated.getReturnType()));
    }

    /**
     * @param signalsAnyException whether the annotated method hands failures back in a value (a stage, a
     *                            publisher) rather than throwing them, so a fallback may declare any exception
     */
    static FallbackMethods resolve(Class<?> targetClass, Method annotated, Fallback fallback,
            boolean signalsAnyException) {
        String name = fallback.method();
        boolean suspending = KotlinDetector.isSuspendingFunction(annotated);
        Class<?>[] parameters = valueParameters(annotated, suspending);
        List<Method> named = new ArrayList<>();
        Set<String> seenSignatures = new HashSet<>();
        for (Class<?> type = targetClass; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                // A subclass's method hides the one it overrides.
                if (method.getName().equals(name) && !method.isBridge() && !method.isSynthetic()
                        && seenSignatures.add(Arrays.toString(method.getParameterTypes()))) {
                    named.add(method);
                }
            }
        }
        if (named.isEmpty()) {
            throw invalid(targetClass, annotated, name, "no method named '" + name + "' was found in "
                    + targetClass.getName() + " or its superclasses");
        }
        // getDeclaredMethods() has no defined order: sort, so the same mistake always gives the same message.
        named.sort(Comparator.comparingInt(Method::getParameterCount).thenComparing(FallbackMethods::describe));
        List<Candidate> candidates = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Method method : named) {
            boolean candidateSuspends = KotlinDetector.isSuspendingFunction(method);
            if (candidateSuspends != suspending) {
                problems.add(describe(method) + (suspending ? " is not a suspend function"
                        : " is a suspend function, and " + describe(annotated) + " is not"));
                continue;
            }
            Class<?>[] types = valueParameters(method, candidateSuspends);
            boolean sameParameters = Arrays.equals(types, parameters);
            boolean withException = types.length == parameters.length + 1
                    && Arrays.equals(Arrays.copyOf(types, parameters.length), parameters)
                    && Throwable.class.isAssignableFrom(types[parameters.length]);
            if (!sameParameters && !withException) {
                problems.add(describe(method) + " has other parameters");
                continue;
            }
            Class<?> returned = resultType(method, candidateSuspends);
            if (!ClassUtils.isAssignable(resultType(annotated, suspending), returned)) {
                problems.add(describe(method) + " returns " + returned.getSimpleName()
                        + ", which is not assignable to " + resultType(annotated, suspending).getSimpleName());
                continue;
            }
            // A stage or a publisher carries any exception; a synchronous proxy would wrap an undeclared one.
            Class<?> undeclared = signalsAnyException ? null : undeclaredCheckedException(method, annotated);
            if (undeclared != null) {
                problems.add(describe(method) + " declares " + undeclared.getSimpleName() + ", which "
                        + describe(annotated) + " does not declare");
                continue;
            }
            candidates.add(new Candidate(method, withException ? types[parameters.length].asSubclass(Throwable.class)
                    : null, candidateSuspends ? null : handle(method, targetClass, annotated)));
        }
        if (candidates.isEmpty()) {
            throw invalid(targetClass, annotated, name, String.join("; ", problems));
        }
        // Most specific exception type first; the catch-all last.
        candidates.sort(Comparator.comparingInt(Candidate::specificity).reversed());
        List<Class<? extends Throwable>> handled = handled(candidates, fallback.applyOn());
        if (handled.isEmpty()) {
            throw invalid(targetClass, annotated, name, "no overload accepts a failure it applies on ("
                    + Arrays.stream(fallback.applyOn()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                    + "): " + candidates.stream().map(c -> describe(c.method)).sorted()
                            .collect(Collectors.joining(", ")));
        }
        return new FallbackMethods(List.copyOf(candidates), handled);
    }

    /**
     * {@code applyOn} narrowed to the failures some candidate accepts: with no catch-all overload, a failure
     * must be an instance of an {@code applyOn} type and of a candidate's exception type, i.e. of the more
     * specific of the two (exception types are classes: two of them overlap only when one extends the other).
     */
    private static List<Class<? extends Throwable>> handled(List<Candidate> candidates,
            Class<? extends Throwable>[] applyOn) {
        if (candidates.get(candidates.size() - 1).exceptionType == null) {
            return List.of(applyOn);
        }
        Set<Class<? extends Throwable>> handled = new LinkedHashSet<>();
        for (Class<? extends Throwable> applied : applyOn) {
            for (Candidate candidate : candidates) {
                if (applied.isAssignableFrom(candidate.exceptionType)) {
                    handled.add(candidate.exceptionType);
                } else if (candidate.exceptionType.isAssignableFrom(applied)) {
                    handled.add(applied);
                }
            }
        }
        return List.copyOf(handled);
    }

    /**
     * The failure types the fallback handles: its {@code applyOn} narrowed to what some overload accepts, so
     * that a failure no fallback method takes is not reported as handled; it reaches the caller unchanged.
     */
    List<Class<? extends Throwable>> handledTypes() {
        return handled;
    }

    /** The parameters a caller passes: a suspend function's last one is the continuation Kotlin adds. */
    private static Class<?>[] valueParameters(Method method, boolean suspending) {
        Class<?>[] types = method.getParameterTypes();
        return suspending ? Arrays.copyOf(types, types.length - 1) : types;
    }

    /**
     * What the method returns to its caller. A suspend function returns {@code Object} to Java; its Kotlin
     * result type is the bound of its continuation parameter, {@code Continuation<? super T>}.
     */
    private static Class<?> resultType(Method method, boolean suspending) {
        if (!suspending) {
            return method.getReturnType();
        }
        Type[] generic = method.getGenericParameterTypes();
        if (generic[generic.length - 1] instanceof ParameterizedType continuation) {
            Type result = continuation.getActualTypeArguments()[0];
            if (result instanceof WildcardType wildcard && wildcard.getLowerBounds().length == 1) {
                result = wildcard.getLowerBounds()[0];
            }
            Class<?> resolved = ResolvableType.forType(result).resolve();
            if (resolved != null) {
                return resolved;
            }
        }
        return Object.class;
    }

    /** A checked exception {@code fallback} declares that {@code annotated} does not, or {@code null}. */
    private static Class<?> undeclaredCheckedException(Method fallback, Method annotated) {
        for (Class<?> thrown : fallback.getExceptionTypes()) {
            if (RuntimeException.class.isAssignableFrom(thrown) || Error.class.isAssignableFrom(thrown)) {
                continue;
            }
            if (Arrays.stream(annotated.getExceptionTypes()).noneMatch(declared -> declared.isAssignableFrom(thrown))) {
                return thrown;
            }
        }
        return null;
    }

    private static MethodHandle handle(Method method, Class<?> targetClass, Method annotated) {
        try {
            method.setAccessible(true);
            MethodHandle handle = MethodHandles.lookup().unreflect(method);
            if (Modifier.isStatic(method.getModifiers())) {
                handle = MethodHandles.dropArguments(handle, 0, Object.class);
            }
            int arity = method.getParameterCount();
            return handle.asType(MethodType.genericMethodType(arity + 1)).asSpreader(Object[].class, arity);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw invalid(targetClass, annotated, method.getName(), describe(method) + " cannot be accessed ("
                    + e.getMessage() + ")");
        }
    }

    private static InvalidFallbackException invalid(Class<?> targetClass, Method annotated, String name,
            String problem) {
        boolean suspending = KotlinDetector.isSuspendingFunction(annotated);
        String returns = resultType(annotated, suspending).getSimpleName();
        String parameters = Arrays.stream(valueParameters(annotated, suspending)).map(Class::getSimpleName)
                .collect(Collectors.joining(", "));
        String expected = suspending
                ? "suspend fun " + name + "(" + parameters + "): " + returns + " or suspend fun " + name + "("
                        + parameters + (parameters.isEmpty() ? "" : ", ") + "<a Throwable type>): " + returns
                : returns + " " + name + "(" + parameters + ") or " + returns + " " + name + "("
                        + parameters + (parameters.isEmpty() ? "" : ", ") + "<a Throwable type>)";
        return new InvalidFallbackException("@Fallback(method = \"" + name + "\") on " + targetClass.getName() + "."
                + annotated.getName() + "(" + parameters + ") cannot be used: " + problem
                + ". Expected a method of the same class (it may be private) declared as " + expected + ".");
    }

    private static String describe(Method method) {
        return method.getName() + "(" + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
                .collect(Collectors.joining(", ")) + ")";
    }

    /** The core fallback's own function: never used, each call passes one that knows its arguments. */
    static Object rethrow(Throwable failure) throws Throwable {
        throw failure;
    }

    /**
     * Invokes the most specific candidate for {@code failure} on {@code target}.
     *
     * @throws Throwable what the fallback method throws; {@code failure} itself when no candidate accepts it
     */
    Object invoke(Object target, Object[] arguments, Throwable failure) throws Throwable {
        Candidate candidate = select(failure);
        if (candidate == null) {
            throw failure;
        }
        if (candidate.handle == null) {
            return invokeSuspending(candidate, target, arguments, failure);
        }
        Object[] actual = arguments;
        if (candidate.exceptionType != null) {
            actual = Arrays.copyOf(arguments, arguments.length + 1);
            actual[arguments.length] = failure;
        }
        return candidate.handle.invokeExact(target, actual);
    }

    /**
     * A suspend fallback, as a publisher of its result: the call's arguments without its continuation, and
     * the failure if the fallback takes it.
     */
    private static Object invokeSuspending(Candidate candidate, Object target, Object[] arguments,
            Throwable failure) {
        int values = arguments.length - 1;
        Object[] actual = Arrays.copyOf(arguments, candidate.exceptionType != null ? values + 1 : values);
        if (candidate.exceptionType != null) {
            actual[values] = failure;
        }
        return CoroutinesUtils.invokeSuspendingFunction(candidate.method, target, actual);
    }

    private Candidate select(Throwable failure) {
        for (Candidate candidate : candidates) {
            if (candidate.exceptionType == null || candidate.exceptionType.isInstance(failure)) {
                return candidate;
            }
        }
        return null;
    }

    private record Candidate(Method method, Class<? extends Throwable> exceptionType, MethodHandle handle) {

        /** Depth of the exception type in its hierarchy; the catch-all ranks lowest. */
        int specificity() {
            if (exceptionType == null) {
                return -1;
            }
            int depth = 0;
            for (Class<?> type = exceptionType; type != null; type = type.getSuperclass()) {
                depth++;
            }
            return depth;
        }
    }
}

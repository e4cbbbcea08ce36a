package dev.resilience.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Hedge;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.hedge.HedgeRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ResilienceObservationContext;
import dev.resilience.spring.observation.ResilienceObservations;
import dev.resilience.spring.chaos.ChaosTargets;

/**
 * Builds the {@link MethodPipeline} of an annotated method: instance names, registry instances (created
 * here, eagerly, so they exist before the first call), the fallback methods, sync or async, and the chaos
 * instance, innermost, when fault injection gives the method one ({@link ChaosTargets#forMethod}: its default
 * name's, else its outermost policy's with one). Sees every annotated method, so it also stops two classes from
 * sharing instances by accident through equal default names.
 */
public class MethodPipelineFactory {

    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final TimeoutRegistry timeouts;
    private final BulkheadRegistry bulkheads;
    private final Clock clock;
    private final ContextPropagation contextPropagation;
    private final Executor asyncExecutor;
    private final ChaosTargets chaos;
    private final List<dev.resilience.core.fallback.Fallback<?>> fallbacks = new CopyOnWriteArrayList<>();
    private final List<Consumer<dev.resilience.core.fallback.Fallback<?>>> fallbackListeners =
            new CopyOnWriteArrayList<>();
    /** Whether Reactor and the reactive call style are on the class path. */
    private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
            MethodPipelineFactory.class.getClassLoader())
            && ClassUtils.isPresent("dev.resilience.reactor.ResilienceOperator",
                    MethodPipelineFactory.class.getClassLoader());
    /** Where the observations come from; resolved once, when the first pipeline is built. */
    private Supplier<ResilienceObservations> observationsSource = () -> null;
    private ResilienceObservations observations;
    private boolean observationsResolved;
    /** The hedges of {@code @Hedge} methods; none until {@link #hedgeWith} gives them. */
    private volatile HedgeRegistry hedges;
    /** Whether the application has an executor for the extra attempts of synchronous hedged methods. */
    private volatile BooleanSupplier hedgeExecutorAvailable = () -> false;
    /** The first method seen to default to each instance name, per annotation type. */
    private final Map<DefaultName, AnnotatedMethod> defaultNameOwners = new ConcurrentHashMap<>();

    /**
     * As the full constructor, with the core's default executor for asynchronous methods and the rate limiters
     * of a registry of their own (with the built-in defaults, local buckets and {@code clock}).
     */
    public MethodPipelineFactory(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock, ContextPropagation contextPropagation) {
        this(circuitBreakers, retries, new RateLimiterRegistry(clock), timeouts, bulkheads, clock, contextPropagation,
                null);
    }

    /** As the full constructor, with the rate limiters of a registry of their own (built-in defaults, local). */
    public MethodPipelineFactory(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock, ContextPropagation contextPropagation,
            Executor asyncExecutor) {
        this(circuitBreakers, retries, new RateLimiterRegistry(clock), timeouts, bulkheads, clock, contextPropagation,
                asyncExecutor);
    }

    /** As the full constructor, without fault injection: no pipeline gets a chaos stage. */
    public MethodPipelineFactory(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock,
            ContextPropagation contextPropagation, Executor asyncExecutor) {
        this(circuitBreakers, retries, rateLimiters, timeouts, bulkheads, clock, contextPropagation, asyncExecutor,
                ChaosTargets.none());
    }

    /**
     * @param asyncExecutor where asynchronous methods' retries, timeout completions, granted bulkhead places and
     *                      granted rate-limiter permits continue; {@code null} for the core's default
     * @param chaos         the chaos instances methods and HTTP clients get (see {@link ChaosTargets} for which);
     *                      {@link ChaosTargets#none()} for none
     */
    public MethodPipelineFactory(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock,
            ContextPropagation contextPropagation, Executor asyncExecutor, ChaosTargets chaos) {
        this.chaos = Objects.requireNonNull(chaos, "chaos");
        this.asyncExecutor = asyncExecutor;
        this.circuitBreakers = circuitBreakers;
        this.retries = retries;
        this.rateLimiters = rateLimiters;
        this.timeouts = timeouts;
        this.bulkheads = bulkheads;
        this.clock = clock;
        this.contextPropagation = contextPropagation;
    }

    /**
     * Makes every call of an annotated method, and every request of a protected HTTP client, a
     * {@code resilience.call} observation of {@code observations}, which is asked once, when the first
     * pipeline is built ({@code null} from it: nothing is observed). Decided once for all pipelines: calls of
     * a pipeline built without observations never look for them.
     */
    public synchronized MethodPipelineFactory observeWith(Supplier<ResilienceObservations> observations) {
        this.observationsSource = observations;
        this.observationsResolved = false;
        this.observations = null;
        return this;
    }

    /**
     * Gives {@code @Hedge} methods their hedges from {@code hedges}. {@code executorAvailable} says whether the
     * application has an executor for the extra attempts of synchronous methods: without one, such a method
     * fails the start-up.
     */
    public MethodPipelineFactory hedgeWith(HedgeRegistry hedges, BooleanSupplier executorAvailable) {
        this.hedges = Objects.requireNonNull(hedges, "hedges");
        this.hedgeExecutorAvailable = Objects.requireNonNull(executorAvailable, "executorAvailable");
        return this;
    }

    /** The observations pipelines are built with, or {@code null}: calls are not observed. */
    public synchronized ResilienceObservations observations() {
        if (!observationsResolved) {
            observations = observationsSource.get();
            observationsResolved = true;
        }
        return observations;
    }

    /**
     * The pipeline of {@code method} (as declared on or inherited by {@code targetClass}), or {@code null}
     * when it carries no resilience annotation.
     *
     * @throws InvalidFallbackException   when its {@code @Fallback} names no usable method
     * @throws InvalidRateLimitKeyException when its {@code @RateLimiter} key is no valid SpEL over its arguments
     * @throws DefaultNameClashException when it leaves a name empty that a method of another class with the
     *                                    same simple name also defaults to
     * @throws IllegalStateException      when it returns a {@code CompletionStage} type that a
     *                                    {@code CompletableFuture} cannot stand in for
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
        boolean reactive = !async && REACTOR_PRESENT && ReactiveCalls.isReactive(method);
        Class<?> userClass = ClassUtils.getUserClass(targetClass);
        String description = userClass.getSimpleName() + "." + method.getName();
        RateLimitKeyExpression key = policies.rateLimiter() == null || isBlank(policies.rateLimiter().key()) ? null
                : RateLimitKeyExpression.parse(policies.rateLimiter().key(), method, userClass);
        claimDefaultName(policies, description, new AnnotatedMethod(userClass, method));
        ResiliencePipeline.Builder builder = pipelineBuilder(description);
        if (policies.retry() != null) {
            builder.retry(retries.instance(nameOr(policies.retry().name(), description)));
        }
        if (policies.hedge() != null) {
            builder.hedge(hedge(policies, method, userClass, description, async, reactive));
        }
        if (policies.circuitBreaker() != null) {
            builder.circuitBreaker(circuitBreakers.instance(nameOr(policies.circuitBreaker().name(), description)));
        }
        if (policies.rateLimiter() != null) {
            builder.rateLimiter(rateLimiters.instance(nameOr(policies.rateLimiter().name(), description)));
        }
        if (policies.timeout() != null) {
            builder.timeout(timeouts.instance(nameOr(policies.timeout().name(), description)));
        }
        if (policies.bulkhead() != null) {
            builder.bulkhead(bulkheads.instance(nameOr(policies.bulkhead().name(), description)));
        }
        if (!chaos.isEmpty()) {
            builder.chaos(chaos.forMethod(chaosNames(policies, description)));
        }
        FallbackMethods fallbackMethods = null;
        Fallback fallback = policies.fallback();
        if (fallback != null) {
            fallbackMethods = FallbackMethods.resolve(targetClass, method, fallback, async || reactive);
            dev.resilience.core.fallback.Fallback<Object> coreFallback = dev.resilience.core.fallback.Fallback
                    .builder(description, FallbackMethods::rethrow).applyOn(fallbackMethods.handledTypes())
                    .skipOn(List.of(fallback.skipOn())).clock(clock).build();
            created(coreFallback);
            builder.fallback(coreFallback);
        }
        ResiliencePipeline pipeline = builder.build();
        ResilienceObservations observed = observations();
        ObservedCalls calls = observed == null ? null
                : observed.calls(observedName(pipeline), ResilienceObservationContext.Kind.METHOD, pipeline);
        return new MethodPipeline(pipeline, async, fallbackMethods,
                reactive ? ReactiveCalls.of(method, pipeline, calls) : null, key, calls);
    }

    /**
     * The hedge of a {@code @Hedge} method, after the checks that must fail the start-up: a Flux cannot be
     * hedged, and a synchronous method needs the application's executor for its extra attempts.
     */
    private dev.resilience.core.hedge.Hedge hedge(AnnotatedPolicies policies, Method method, Class<?> userClass,
            String description, boolean async, boolean reactive) {
        String where = "@Hedge on " + new AnnotatedMethod(userClass, method);
        if (hedges == null) {
            throw new IllegalStateException(where + " cannot be used: this MethodPipelineFactory was built without "
                    + "a HedgeRegistry (call hedgeWith)");
        }
        ReactiveAdapter adapter = reactive ? ReactiveAdapterRegistry.getSharedInstance()
                .getAdapter(method.getReturnType()) : null;
        if (adapter != null && adapter.isMultiValue()) {
            throw new IllegalStateException(where + " cannot be used: it returns " + method.getReturnType().getName()
                    + ", whose elements reach the subscriber as they come, so the attempts' elements would "
                    + "interleave. Hedge a method returning a Mono (e.g. collectList()), a CompletionStage or a value.");
        }
        if (!async && !reactive && !hedgeExecutorAvailable.getAsBoolean()) {
            throw new IllegalStateException(where + " needs an executor for its extra attempts, and the application "
                    + "has none: define a bean named 'resilienceAsyncExecutor' or an AsyncTaskExecutor, or keep "
                    + "Spring Boot's 'applicationTaskExecutor' (task execution auto-configuration; virtual threads "
                    + "with spring.threads.virtual.enabled=true). The common ForkJoinPool is never used.");
        }
        return hedges.instance(nameOr(policies.hedge().name(), description));
    }

    /**
     * The {@code name} a method's calls are observed under: the instance name of its outermost policy in the
     * pipeline's order (retry, hedge, circuit breaker, rate limiter, timeout, bulkhead), whose metrics it then
     * shares; the method's default name for a method with {@code @Fallback} alone.
     */
    static String observedName(ResiliencePipeline pipeline) {
        if (pipeline.retry() != null) {
            return pipeline.retry().name();
        }
        if (pipeline.hedge() != null) {
            return pipeline.hedge().name();
        }
        if (pipeline.circuitBreaker() != null) {
            return pipeline.circuitBreaker().name();
        }
        if (pipeline.rateLimiter() != null) {
            return pipeline.rateLimiter().name();
        }
        if (pipeline.timeout() != null) {
            return pipeline.timeout().name();
        }
        if (pipeline.bulkhead() != null) {
            return pipeline.bulkhead().name();
        }
        return pipeline.description();
    }

    /**
     * The names a method's chaos instance may have, in the order they are tried: its default name, then the
     * instance names of its policies, outermost first.
     */
    private static List<String> chaosNames(AnnotatedPolicies policies, String description) {
        List<String> names = new ArrayList<>(6);
        names.add(description);
        if (policies.retry() != null) {
            names.add(nameOr(policies.retry().name(), description));
        }
        if (policies.hedge() != null) {
            names.add(nameOr(policies.hedge().name(), description));
        }
        if (policies.circuitBreaker() != null) {
            names.add(nameOr(policies.circuitBreaker().name(), description));
        }
        if (policies.rateLimiter() != null) {
            names.add(nameOr(policies.rateLimiter().name(), description));
        }
        if (policies.timeout() != null) {
            names.add(nameOr(policies.timeout().name(), description));
        }
        if (policies.bulkhead() != null) {
            names.add(nameOr(policies.bulkhead().name(), description));
        }
        return names;
    }

    /** The chaos instances of methods and HTTP clients; none while {@code resilience.chaos.enabled} is false. */
    public ChaosTargets chaos() {
        return chaos;
    }

    /** The application's clock, the one every policy and pipeline uses. */
    public Clock clock() {
        return clock;
    }

    /**
     * A pipeline builder with the application's clock, context propagation and asynchronous executor, for
     * pipelines built outside annotated methods (the HTTP clients).
     */
    public ResiliencePipeline.Builder pipelineBuilder(String description) {
        ResilienceObservations observed = observations();
        ResiliencePipeline.Builder builder = ResiliencePipeline.builder().description(description).clock(clock)
                .contextPropagation(observed == null ? contextPropagation : observed.propagation(contextPropagation));
        if (asyncExecutor != null) {
            builder.asyncExecutor(asyncExecutor);
        }
        return builder;
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

    /**
     * Records {@code method} as a user of {@code defaultName} for each annotation that leaves its name empty.
     * Overloads, and one class seen through several beans, share the default name as one method; a method of
     * another class with the same simple name and method name would share the instances by accident.
     */
    private void claimDefaultName(AnnotatedPolicies policies, String defaultName, AnnotatedMethod method) {
        Map<AnnotatedMethod, List<Class<? extends Annotation>>> clashes = new LinkedHashMap<>();
        for (Class<? extends Annotation> unnamed : unnamed(policies)) {
            AnnotatedMethod owner = defaultNameOwners.putIfAbsent(new DefaultName(unnamed, defaultName), method);
            if (owner != null && owner.type() != method.type()) {
                clashes.computeIfAbsent(owner, first -> new ArrayList<>()).add(unnamed);
            }
        }
        if (clashes.isEmpty()) {
            return;
        }
        Map.Entry<AnnotatedMethod, List<Class<? extends Annotation>>> clash = clashes.entrySet().iterator().next();
        String annotations = clash.getValue().stream().map(type -> "@" + type.getSimpleName())
                .collect(Collectors.joining(" "));
        throw new DefaultNameClashException(defaultName, annotations + " on " + clash.getKey() + " and on " + method
                + " would share instances: both default to the instance name '" + defaultName + "'. Give at least "
                + "one of them an explicit name, e.g. @" + clash.getValue().get(0).getSimpleName()
                + "(name = \"...\").");
    }

    /** The annotations, of those backed by a registry, that leave the instance name empty. */
    private static List<Class<? extends Annotation>> unnamed(AnnotatedPolicies policies) {
        List<Class<? extends Annotation>> unnamed = new ArrayList<>(5);
        if (policies.retry() != null && isBlank(policies.retry().name())) {
            unnamed.add(Retry.class);
        }
        if (policies.hedge() != null && isBlank(policies.hedge().name())) {
            unnamed.add(Hedge.class);
        }
        if (policies.circuitBreaker() != null && isBlank(policies.circuitBreaker().name())) {
            unnamed.add(CircuitBreaker.class);
        }
        if (policies.rateLimiter() != null && isBlank(policies.rateLimiter().name())) {
            unnamed.add(RateLimiter.class);
        }
        if (policies.timeout() != null && isBlank(policies.timeout().name())) {
            unnamed.add(Timeout.class);
        }
        if (policies.bulkhead() != null && isBlank(policies.bulkhead().name())) {
            unnamed.add(Bulkhead.class);
        }
        return unnamed;
    }

    private static boolean isBlank(String name) {
        return name == null || name.isBlank();
    }

    private static String nameOr(String name, String description) {
        return isBlank(name) ? description : name;
    }

    /** A default instance name as used by one annotation type. */
    private record DefaultName(Class<? extends Annotation> annotation, String name) {
    }

    /** A method as the bean class {@code type} has it (declared there or inherited). */
    private record AnnotatedMethod(Class<?> type, Method method) {

        @Override
        public String toString() {
            return type.getName() + "." + method.getName() + "(" + Arrays.stream(method.getParameterTypes())
                    .map(Class::getSimpleName).collect(Collectors.joining(", ")) + ")";
        }
    }
}

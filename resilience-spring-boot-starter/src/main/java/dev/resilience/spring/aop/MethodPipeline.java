package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

import dev.resilience.core.CheckedFunction;
import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.fallback.FallbackFunction;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimitKey;
import dev.resilience.spring.observation.ObservedCalls;
import dev.resilience.spring.observation.ResilienceObservationContext;
import dev.resilience.spring.observation.ResilienceObservations;

/**
 * Everything resolved once for one annotated method: its core pipeline, whether it is asynchronous, its
 * fallback methods and its rate-limit key. No reflection, no lookups; a synchronous call without a fallback
 * method or a key allocates nothing beyond what Spring's proxy does, others one small invocation object (which
 * carries the call's key to the rate limiter). With an {@code ObservationRegistry}, each call is also a
 * {@code resilience.call} observation; whether is decided here, once: without one, a call never looks for it.
 */
final class MethodPipeline {

    private final ResiliencePipeline pipeline;
    private final boolean async;
    private final boolean retries;
    private final FallbackMethods fallbackMethods;
    /** The reactive call style, for a method returning a publisher or suspending; else {@code null}. */
    private final Object reactive;
    /** The key each call takes its rate-limiter permit under; {@code null}: the limiter's shared bucket. */
    private final RateLimitKeyExpression key;
    /** Observes each call; {@code null} without an {@code ObservationRegistry}. */
    private final ObservedCalls observed;
    /** Synchronous, without a fallback method, without a key, not observed. */
    private final boolean plain;

    MethodPipeline(ResiliencePipeline pipeline, boolean async, FallbackMethods fallbackMethods) {
        this(pipeline, async, fallbackMethods, null, null, null);
    }

    /**
     * @param reactive a {@code ReactiveCalls}, typed as {@code Object} so that this class loads without
     *                 Reactor; {@code null} for other methods
     * @param key      the {@code @RateLimiter} key, or {@code null}
     * @param observed the observation of each call, or {@code null} for none (a reactive method's is in
     *                 {@code reactive})
     */
    MethodPipeline(ResiliencePipeline pipeline, boolean async, FallbackMethods fallbackMethods, Object reactive,
            RateLimitKeyExpression key, ObservedCalls observed) {
        this.pipeline = pipeline;
        this.async = async;
        this.retries = pipeline != null && pipeline.retry() != null;
        this.fallbackMethods = fallbackMethods;
        this.reactive = reactive;
        this.key = key;
        this.observed = observed;
        this.plain = !async && reactive == null && fallbackMethods == null && key == null && observed == null;
    }

    ResiliencePipeline pipeline() {
        return pipeline;
    }

    /** How calls are observed; {@code null}: they are not. */
    ObservedCalls observed() {
        return observed;
    }

    /** Whether calls take the plain path: synchronous, no fallback method, no key, not observed. */
    boolean plain() {
        return plain;
    }

    /**
     * @param chainRepeatable whether {@code invocation.proceed()} may be called again for another attempt: true
     *                        when ours is the only interceptor in the chain (a proxy at its last interceptor
     *                        invokes the method each time); otherwise each retry walks a fresh copy
     */
    Object invoke(MethodInvocation invocation, boolean chainRepeatable) throws Throwable {
        if (plain) {
            // The common case, kept small so the JIT inlines it into the proxy's call: nothing per call but the
            // invocation Spring made, and functions that capture nothing.
            return pipeline.execute(retries && !chainRepeatable ? PROCEED_ON_A_COPY : PROCEED, invocation);
        }
        return invokeWithFallbackOrAsync(invocation, retries && !chainRepeatable);
    }

    private Object invokeWithFallbackOrAsync(MethodInvocation invocation, boolean copyPerAttempt) throws Throwable {
        if (reactive != null) {
            return ((ReactiveCalls) reactive).execute(invocation, fallbackMethods, key);
        }
        if (observed != null) {
            return async ? invokeAsyncObserved(invocation, copyPerAttempt) : invokeObserved(invocation, copyPerAttempt);
        }
        if (async) {
            Object callKey;
            try {
                callKey = key == null ? null : key.evaluate(invocation.getArguments());
            } catch (RuntimeException failure) {
                return CompletableFuture.failedFuture(failure); // before any policy: nothing to retry or count
            }
            AsyncInvocation call = new AsyncInvocation(invocation, copyPerAttempt, fallbackMethods, callKey);
            return pipeline.executeAsync(call, fallbackMethods == null ? null : call);
        }
        Object callKey = key == null ? null : key.evaluate(invocation.getArguments());
        SyncInvocation call = new SyncInvocation(invocation, copyPerAttempt, fallbackMethods, callKey);
        return pipeline.execute(call, fallbackMethods == null ? null : call);
    }

    /** A synchronous call in its observation, whose scope it runs in: what the method observes is a child. */
    private Object invokeObserved(MethodInvocation invocation, boolean copyPerAttempt) throws Throwable {
        ResilienceObservationContext call = observed.start();
        ResilienceObservations.Frame frame = observed.enter(call, true);
        Object result;
        try {
            if (fallbackMethods == null && key == null) {
                result = pipeline.execute(copyPerAttempt ? PROCEED_ON_A_COPY : PROCEED, invocation);
            } else {
                Object callKey = key == null ? null : key.evaluate(invocation.getArguments());
                SyncInvocation sync = new SyncInvocation(invocation, copyPerAttempt, fallbackMethods, callKey);
                result = pipeline.execute(sync, fallbackMethods == null ? null : sync);
            }
        } catch (Throwable failure) {
            observed.exit(frame);
            observed.finish(call, failure);
            throw failure;
        }
        observed.exit(frame);
        observed.finish(call, null);
        return result;
    }

    /**
     * An asynchronous call in its observation, which ends when the returned future completes. Each attempt
     * runs the method in the observation's scope; the execution carries the call to the threads it hops to.
     */
    private Object invokeAsyncObserved(MethodInvocation invocation, boolean copyPerAttempt) {
        ResilienceObservationContext call = observed.start();
        Object callKey;
        try {
            callKey = key == null ? null : key.evaluate(invocation.getArguments());
        } catch (RuntimeException failure) {
            observed.finish(call, failure);
            return CompletableFuture.failedFuture(failure);
        }
        ObservedAsyncInvocation attempt = new ObservedAsyncInvocation(invocation, copyPerAttempt, fallbackMethods,
                callKey, observed, call);
        CompletableFuture<Object> outcome;
        ResilienceObservations.Frame frame = observed.enter(call, false);
        try {
            outcome = pipeline.executeAsync(attempt, fallbackMethods == null ? null : attempt);
        } finally {
            observed.exit(frame);
        }
        return observed.observe(call, outcome);
    }

    private static final CheckedFunction<MethodInvocation, Object> PROCEED = MethodInvocation::proceed;
    private static final CheckedFunction<MethodInvocation, Object> PROCEED_ON_A_COPY =
            invocation -> proceed(invocation, true);

    /** Proceeds down the rest of the chain for one attempt; a chain can be walked only once, so maybe a copy. */
    static Object proceed(MethodInvocation invocation, boolean copyPerAttempt) throws Throwable {
        if (copyPerAttempt && invocation instanceof ProxyMethodInvocation proxied) {
            return proxied.invocableClone().proceed();
        }
        return invocation.proceed();
    }

    /**
     * One call of the method, its fallback method with the call's arguments, and its rate-limit key (the
     * pipeline's rate limiter reads it from the call).
     */
    private abstract static class MethodCall implements FallbackFunction<Object>, RateLimitKey {

        final MethodInvocation invocation;
        final boolean copyPerAttempt;
        private final FallbackMethods fallbackMethods;
        private final Object key;

        MethodCall(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods,
                Object key) {
            this.invocation = invocation;
            this.copyPerAttempt = copyPerAttempt;
            this.fallbackMethods = fallbackMethods;
            this.key = key;
        }

        @Override
        public Object rateLimitKey() {
            return key;
        }

        @Override
        public Object apply(Throwable failure) throws Throwable {
            return fallbackMethods.invoke(invocation.getThis(), invocation.getArguments(), failure);
        }
    }

    /** A call of a synchronous method. */
    private static final class SyncInvocation extends MethodCall implements CheckedSupplier<Object> {

        SyncInvocation(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods,
                Object key) {
            super(invocation, copyPerAttempt, fallbackMethods, key);
        }

        @Override
        public Object get() throws Throwable {
            return proceed(invocation, copyPerAttempt);
        }
    }

    /** A call of an asynchronous method: what it throws before returning a stage fails the attempt. */
    private static class AsyncInvocation extends MethodCall implements Supplier<CompletionStage<Object>> {

        AsyncInvocation(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods,
                Object key) {
            super(invocation, copyPerAttempt, fallbackMethods, key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public CompletionStage<Object> get() {
            try {
                return (CompletionStage<Object>) proceed(invocation, copyPerAttempt);
            } catch (Throwable failure) {
                return CompletableFuture.failedFuture(failure);
            }
        }
    }

    /**
     * A call of an asynchronous method that is observed: each attempt runs the method in the observation's
     * scope, and its outcome reaches the pipeline with the call as the one the thread runs, wherever the
     * method's future completes.
     */
    private static final class ObservedAsyncInvocation extends AsyncInvocation {

        private final ObservedCalls observed;
        private final ResilienceObservationContext call;

        ObservedAsyncInvocation(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods,
                Object key, ObservedCalls observed, ResilienceObservationContext call) {
            super(invocation, copyPerAttempt, fallbackMethods, key);
            this.observed = observed;
            this.call = call;
        }

        @Override
        public CompletionStage<Object> get() {
            ResilienceObservations.Frame frame = observed.enter(call, true);
            CompletionStage<Object> attempt;
            try {
                attempt = super.get();
            } finally {
                observed.exit(frame);
            }
            return attempt == null ? null : observed.delivering(call, attempt);
        }
    }
}

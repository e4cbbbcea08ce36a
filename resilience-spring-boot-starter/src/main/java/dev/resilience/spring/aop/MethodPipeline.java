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

/**
 * Everything resolved once for one annotated method: its core pipeline, whether it is asynchronous, and its
 * fallback methods. No reflection, no lookups; a synchronous call without a fallback method allocates nothing
 * beyond what Spring's proxy does, others one small invocation object.
 */
final class MethodPipeline {

    private final ResiliencePipeline pipeline;
    private final boolean async;
    private final boolean retries;
    private final FallbackMethods fallbackMethods;
    /** The reactive call style, for a method returning a publisher or suspending; else {@code null}. */
    private final Object reactive;
    /** Synchronous and without a fallback method. */
    private final boolean plain;

    MethodPipeline(ResiliencePipeline pipeline, boolean async, FallbackMethods fallbackMethods) {
        this(pipeline, async, fallbackMethods, null);
    }

    /**
     * @param reactive a {@code ReactiveCalls}, typed as {@code Object} so that this class loads without
     *                 Reactor; {@code null} for other methods
     */
    MethodPipeline(ResiliencePipeline pipeline, boolean async, FallbackMethods fallbackMethods, Object reactive) {
        this.pipeline = pipeline;
        this.async = async;
        this.retries = pipeline != null && pipeline.retry() != null;
        this.fallbackMethods = fallbackMethods;
        this.reactive = reactive;
        this.plain = !async && reactive == null && fallbackMethods == null;
    }

    ResiliencePipeline pipeline() {
        return pipeline;
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
            return ((ReactiveCalls) reactive).execute(invocation, fallbackMethods);
        }
        if (async) {
            AsyncInvocation call = new AsyncInvocation(invocation, copyPerAttempt, fallbackMethods);
            return pipeline.executeAsync(call, fallbackMethods == null ? null : call);
        }
        SyncInvocation call = new SyncInvocation(invocation, copyPerAttempt, fallbackMethods);
        return pipeline.execute(call, call);
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

    /** One call of the method, and its fallback method with the call's arguments. */
    private abstract static class MethodCall implements FallbackFunction<Object> {

        final MethodInvocation invocation;
        final boolean copyPerAttempt;
        private final FallbackMethods fallbackMethods;

        MethodCall(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods) {
            this.invocation = invocation;
            this.copyPerAttempt = copyPerAttempt;
            this.fallbackMethods = fallbackMethods;
        }

        @Override
        public Object apply(Throwable failure) throws Throwable {
            return fallbackMethods.invoke(invocation.getThis(), invocation.getArguments(), failure);
        }
    }

    /** A call of a synchronous method. */
    private static final class SyncInvocation extends MethodCall implements CheckedSupplier<Object> {

        SyncInvocation(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods) {
            super(invocation, copyPerAttempt, fallbackMethods);
        }

        @Override
        public Object get() throws Throwable {
            return proceed(invocation, copyPerAttempt);
        }
    }

    /** A call of an asynchronous method: what it throws before returning a stage fails the attempt. */
    private static final class AsyncInvocation extends MethodCall implements Supplier<CompletionStage<Object>> {

        AsyncInvocation(MethodInvocation invocation, boolean copyPerAttempt, FallbackMethods fallbackMethods) {
            super(invocation, copyPerAttempt, fallbackMethods);
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
}

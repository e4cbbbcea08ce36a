package dev.resilience.spring.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;

import dev.resilience.core.CheckedSupplier;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.fallback.FallbackFunction;

/**
 * Everything resolved once for one annotated method: its core pipeline, whether it is asynchronous, and its
 * fallback methods. A call allocates one small {@link Invocation}; no reflection, no lookups.
 */
final class MethodPipeline {

    private final ResiliencePipeline pipeline;
    private final boolean async;
    private final boolean retries;
    private final FallbackMethods fallbackMethods;

    MethodPipeline(ResiliencePipeline pipeline, boolean async, FallbackMethods fallbackMethods) {
        this.pipeline = pipeline;
        this.async = async;
        this.retries = pipeline != null && pipeline.retry() != null;
        this.fallbackMethods = fallbackMethods;
    }

    ResiliencePipeline pipeline() {
        return pipeline;
    }

    Object invoke(MethodInvocation invocation) throws Throwable {
        Invocation call = new Invocation(invocation, retries, fallbackMethods);
        FallbackFunction<Object> fallback = fallbackMethods == null ? null : call;
        if (async) {
            return pipeline.executeAsync(call::stage, fallback);
        }
        return pipeline.execute(call, fallback);
    }

    /**
     * One call of the method: proceeds down the rest of the interceptor chain (a fresh copy of the chain per
     * attempt when retrying, as a chain can be walked only once), and invokes the fallback method with the
     * call's arguments.
     */
    private static final class Invocation implements CheckedSupplier<Object>, FallbackFunction<Object> {

        private final MethodInvocation invocation;
        private final boolean retries;
        private final FallbackMethods fallbackMethods;

        Invocation(MethodInvocation invocation, boolean retries, FallbackMethods fallbackMethods) {
            this.invocation = invocation;
            this.retries = retries;
            this.fallbackMethods = fallbackMethods;
        }

        @Override
        public Object get() throws Throwable {
            if (retries && invocation instanceof ProxyMethodInvocation proxied) {
                return proxied.invocableClone().proceed();
            }
            return invocation.proceed();
        }

        /** The method's stage; what it throws before returning one fails the attempt like a failed stage. */
        @SuppressWarnings("unchecked")
        CompletionStage<Object> stage() {
            try {
                return (CompletionStage<Object>) get();
            } catch (Throwable failure) {
                return CompletableFuture.failedFuture(failure);
            }
        }

        @Override
        public Object apply(Throwable failure) throws Throwable {
            return fallbackMethods.invoke(invocation.getThis(), invocation.getArguments(), failure);
        }
    }
}

package dev.resilience.spring.aop;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;

/**
 * The one interception path, one instance per annotated method of a proxied bean, holding that method's
 * pipeline: Spring's per-method chain cache hands it the call, so there is nothing to look up per call.
 */
final class ResilienceMethodInterceptor implements MethodInterceptor {

    private final MethodPipeline pipeline;
    /** The proxy we created; {@code null} when we joined another proxy's chain. */
    private final OwnProxy ownProxy;

    /** @param ownProxy the proxy we created, or {@code null} when our advisors joined someone else's proxy */
    ResilienceMethodInterceptor(MethodPipeline pipeline, OwnProxy ownProxy) {
        this.pipeline = pipeline;
        this.ownProxy = ownProxy;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        // Alone in the chain (nobody added advice to our proxy), a retry may proceed again on the same
        // invocation instead of copying it with its arguments for every attempt.
        return pipeline.invoke(invocation, ownProxy != null && ownProxy.alone());
    }

    MethodPipeline pipeline() {
        return pipeline;
    }

    @Override
    public String toString() {
        return "ResilienceMethodInterceptor[" + pipeline.pipeline() + "]";
    }
}

package dev.resilience.spring.aop;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.Advised;

/**
 * The one interception path, one instance per annotated method of a proxied bean, holding that method's
 * pipeline: Spring's per-method chain cache hands it the call, so there is nothing to look up per call.
 */
final class ResilienceMethodInterceptor implements MethodInterceptor {

    private final MethodPipeline pipeline;
    /** The proxy's configuration when the proxy is ours; {@code null} when we joined another proxy's chain. */
    private final Advised ownProxy;
    /** How many advisors we put on our own proxy: one per annotated method. */
    private final int ownAdvisors;

    /**
     * @param ownProxy    the configuration of the proxy we created, or {@code null} when our advisors were added
     *                    to a proxy made by someone else
     * @param ownAdvisors the advisors we put on {@code ownProxy}
     */
    ResilienceMethodInterceptor(MethodPipeline pipeline, Advised ownProxy, int ownAdvisors) {
        this.pipeline = pipeline;
        this.ownProxy = ownProxy;
        this.ownAdvisors = ownAdvisors;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        // Alone in the chain (nobody added advice to our proxy), a retry may proceed again on the same
        // invocation instead of copying it with its arguments for every attempt.
        return pipeline.invoke(invocation, ownProxy != null && ownProxy.getAdvisorCount() == ownAdvisors);
    }

    MethodPipeline pipeline() {
        return pipeline;
    }

    @Override
    public String toString() {
        return "ResilienceMethodInterceptor[" + pipeline.pipeline() + "]";
    }
}

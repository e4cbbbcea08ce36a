package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.AopUtils;

/**
 * The one interception path, one instance per proxied bean. Looks up the method's pipeline by the invoked
 * {@link Method} (the proxy passes the same instance every time, so the lookup is a hash and an identity
 * check); a method first seen through an interface is resolved once and cached.
 */
final class ResilienceMethodInterceptor implements MethodInterceptor {

    private static final MethodPipeline NOT_ANNOTATED = new MethodPipeline(null, false, null);

    private final Class<?> targetClass;
    private final MethodPipelineFactory factory;
    private final Map<Method, MethodPipeline> pipelines = new ConcurrentHashMap<>();
    /** The proxy's advisors when the proxy is ours alone; {@code null} when we joined another proxy's chain. */
    private final Advised ownProxy;

    /**
     * @param ownProxy the configuration of the proxy we created, or {@code null} when our advisor was added to
     *                 a proxy made by someone else
     */
    ResilienceMethodInterceptor(Class<?> targetClass, MethodPipelineFactory factory,
            Map<Method, MethodPipeline> resolved, Advised ownProxy) {
        this.targetClass = targetClass;
        this.factory = factory;
        this.pipelines.putAll(resolved);
        this.ownProxy = ownProxy;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = invocation.getMethod();
        MethodPipeline pipeline = pipelines.get(method);
        if (pipeline == null) {
            pipeline = pipelines.computeIfAbsent(method, this::resolve);
        }
        if (pipeline == NOT_ANNOTATED) {
            return invocation.proceed();
        }
        // Alone in the chain (no other post-processor added an advisor to our proxy), a retry may proceed again
        // on the same invocation instead of copying it with its arguments for every attempt.
        return pipeline.invoke(invocation, ownProxy != null && ownProxy.getAdvisorCount() == 1);
    }

    private MethodPipeline resolve(Method invoked) {
        Method specific = AopUtils.getMostSpecificMethod(invoked, targetClass);
        MethodPipeline pipeline = pipelines.get(specific);
        if (pipeline != null) {
            return pipeline;
        }
        MethodPipeline created = factory.create(specific, targetClass);
        return created != null ? created : NOT_ANNOTATED;
    }
}

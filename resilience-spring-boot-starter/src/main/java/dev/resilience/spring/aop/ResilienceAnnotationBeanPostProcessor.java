package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.ProxyProcessorSupport;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies every bean that has a resilience annotation on a class or method, resolving and validating all its
 * annotated methods as the bean is created (so a bad {@code @Fallback} stops start-up, and every named
 * instance exists before the first call). A bean that is already a Spring AOP proxy (e.g. for
 * {@code @Transactional}) gets our advisor first, so retries wrap the transaction and not the reverse.
 */
public class ResilienceAnnotationBeanPostProcessor extends ProxyProcessorSupport implements BeanPostProcessor {

    private static final long serialVersionUID = 1L;

    private final transient ObjectProvider<MethodPipelineFactory> factoryProvider;
    private transient MethodPipelineFactory factory;

    /** @param factoryProvider resolved lazily, so the registries are not created while post-processors are */
    public ResilienceAnnotationBeanPostProcessor(ObjectProvider<MethodPipelineFactory> factoryProvider) {
        this.factoryProvider = factoryProvider;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
        if (bean instanceof AopInfrastructureBean) {
            return bean;
        }
        Class<?> targetClass = AopUtils.getTargetClass(bean);
        Map<Method, MethodPipeline> pipelines = resolveAll(targetClass);
        if (pipelines.isEmpty()) {
            return bean;
        }
        if (bean instanceof Advised advised && !advised.isFrozen() && AopUtils.isAopProxy(bean)) {
            int position = 0;
            for (Advisor advisor : advisors(targetClass, pipelines, null)) {
                advised.addAdvisor(position++, advisor);
            }
            return bean;
        }
        ProxyFactory proxyFactory = new ProxyFactory();
        proxyFactory.copyFrom(this);
        proxyFactory.setTarget(bean);
        if (!proxyFactory.isProxyTargetClass()) {
            evaluateProxyInterfaces(targetClass, proxyFactory);
        }
        OwnProxy ownProxy = new OwnProxy(pipelines.size());
        for (Advisor advisor : advisors(targetClass, pipelines, ownProxy)) {
            proxyFactory.addAdvisor(advisor);
        }
        proxyFactory.addListener(ownProxy);
        return proxyFactory.getProxy(getProxyClassLoader());
    }

    /** One advisor per annotated method, so that Spring's per-method chain cache finds the pipeline. */
    private static List<Advisor> advisors(Class<?> targetClass, Map<Method, MethodPipeline> pipelines,
            OwnProxy ownProxy) {
        List<Advisor> advisors = new ArrayList<>(pipelines.size());
        pipelines.forEach((method, pipeline) -> advisors.add(new DefaultPointcutAdvisor(
                new SameMethod(method, targetClass), new ResilienceMethodInterceptor(pipeline, ownProxy))));
        return advisors;
    }

    private Map<Method, MethodPipeline> resolveAll(Class<?> targetClass) {
        Map<Method, MethodPipeline> pipelines = new LinkedHashMap<>();
        if (!mayBeAnnotated(targetClass)) {
            return pipelines;
        }
        Set<Method> annotated = new LinkedHashSet<>();
        ReflectionUtils.doWithMethods(targetClass, method -> {
            Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
            if (!AnnotatedPolicies.of(specific, targetClass).isEmpty()) {
                annotated.add(specific);
            }
        }, ReflectionUtils.USER_DECLARED_METHODS);
        // Only now touch the factory: most beans have nothing to intercept, including our own configuration.
        for (Method method : annotated) {
            pipelines.put(method, factory().create(method, targetClass));
        }
        return pipelines;
    }

    /** Cheap pre-check so beans of framework packages are not scanned method by method. */
    private static boolean mayBeAnnotated(Class<?> type) {
        String name = type.getName();
        return !(name.startsWith("org.springframework.") || name.startsWith("java.") || name.startsWith("jakarta."));
    }

    private MethodPipelineFactory factory() {
        if (factory == null) {
            factory = factoryProvider.getObject();
        }
        return factory;
    }

    /** Matches one annotated method of one bean class, however it is invoked (interface, bridge, class). */
    private static final class SameMethod extends StaticMethodMatcherPointcut {

        private final Method method;
        private final Class<?> targetClass;

        SameMethod(Method method, Class<?> targetClass) {
            this.method = method;
            this.targetClass = targetClass;
        }

        @Override
        public boolean matches(Method invoked, Class<?> type) {
            return method.equals(AopUtils.getMostSpecificMethod(invoked, targetClass));
        }
    }
}

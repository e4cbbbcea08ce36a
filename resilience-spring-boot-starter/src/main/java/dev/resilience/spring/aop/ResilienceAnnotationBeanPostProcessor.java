package dev.resilience.spring.aop;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
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
            advised.addAdvisor(0, advisor(targetClass, pipelines, null));
            return bean;
        }
        ProxyFactory proxyFactory = new ProxyFactory();
        Advisor advisor = advisor(targetClass, pipelines, proxyFactory);
        proxyFactory.copyFrom(this);
        proxyFactory.setTarget(bean);
        if (!proxyFactory.isProxyTargetClass()) {
            evaluateProxyInterfaces(targetClass, proxyFactory);
        }
        proxyFactory.addAdvisor(advisor);
        return proxyFactory.getProxy(getProxyClassLoader());
    }

    private Advisor advisor(Class<?> targetClass, Map<Method, MethodPipeline> pipelines, Advised ownProxy) {
        return new DefaultPointcutAdvisor(new AnnotatedMethods(targetClass),
                new ResilienceMethodInterceptor(targetClass, factory(), pipelines, ownProxy));
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

    /** Matches the methods of one bean class that carry a resilience annotation. */
    private static final class AnnotatedMethods extends StaticMethodMatcherPointcut {

        private final Class<?> targetClass;

        AnnotatedMethods(Class<?> targetClass) {
            this.targetClass = targetClass;
        }

        @Override
        public boolean matches(Method method, Class<?> type) {
            return !AnnotatedPolicies.of(AopUtils.getMostSpecificMethod(method, targetClass), targetClass).isEmpty();
        }
    }
}

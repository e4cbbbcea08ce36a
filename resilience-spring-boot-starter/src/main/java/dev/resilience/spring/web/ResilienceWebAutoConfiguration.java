package dev.resilience.spring.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * RFC 9457 problem responses for the resilience exceptions that escape a controller, in Spring MVC and WebFlux
 * applications: {@link ResilienceMvcExceptionHandler} or {@link ResilienceWebFluxExceptionHandler}, mapping as
 * {@link ResilienceProblems} says. On unless {@code resilience.web.problem-details.enabled=false};
 * {@code resilience.enabled=false} does not turn it off, as policies used programmatically still throw. An
 * application replaces either handler by declaring a bean of its type, and overrides it for any exception with an
 * {@code @ExceptionHandler} of its own.
 */
@AutoConfiguration(after = ResilienceAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.http.ProblemDetail")
@ConditionalOnBooleanProperty(name = "resilience.web.problem-details.enabled", matchIfMissing = true)
public class ResilienceWebAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class Servlet {

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        @ConditionalOnMissingBean
        ResilienceMvcExceptionHandler resilienceMvcExceptionHandler() {
            return new ResilienceMvcExceptionHandler();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
    static class Reactive {

        @Bean
        @Order(Ordered.LOWEST_PRECEDENCE)
        @ConditionalOnMissingBean
        ResilienceWebFluxExceptionHandler resilienceWebFluxExceptionHandler() {
            return new ResilienceWebFluxExceptionHandler();
        }
    }
}

package dev.resilience.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Every actuator endpoint of the starter that has a write (or delete) operation: read-only by default, and named
 * in {@link ActuatorSecurityConfiguration}'s role rule. An endpoint that gains a write fails here until both are
 * true (and the README, which shows that class, names it too).
 */
class ResilienceWriteEndpointsTest {

    @Test
    void everyEndpointWithAWriteIsReadOnlyByDefaultAndGuardedByTheRole() throws Exception {
        Map<String, Access> writeEndpoints = new TreeMap<>();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(Endpoint.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.resilience.spring")) {
            Class<?> type = ClassUtils.forName(candidate.getBeanClassName(), getClass().getClassLoader());
            if (hasWrite(type)) {
                Endpoint endpoint = AnnotatedElementUtils.findMergedAnnotation(type, Endpoint.class);
                writeEndpoints.put(endpoint.id(), endpoint.defaultAccess());
            }
        }

        // A new id here: give it defaultAccess = Access.READ_ONLY, and add it to the role rule's
        // EndpointRequest.to("circuitbreakers", "chaos") in ActuatorSecurityConfiguration and the README.
        assertThat(writeEndpoints).as("endpoints with a write operation, and their default access")
                .isEqualTo(Map.of("chaos", Access.READ_ONLY, "circuitbreakers", Access.READ_ONLY));
    }

    private static boolean hasWrite(Class<?> type) {
        for (Method method : type.getMethods()) {
            if (AnnotatedElementUtils.hasAnnotation(method, WriteOperation.class)
                    || AnnotatedElementUtils.hasAnnotation(method, DeleteOperation.class)) {
                return true;
            }
        }
        return false;
    }
}

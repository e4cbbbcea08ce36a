package dev.resilience.test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The test kit for plain JUnit 5 tests, without Spring: {@code @ExtendWith(ResilienceExtension.class)}.
 *
 * <ul>
 * <li>Test and lifecycle methods may declare a {@link ManualClock}, a {@link QueuedExecutor} or an
 * {@link EventRecorder} parameter: each test gets new ones, the same instance for every parameter of that test
 * (a {@code @BeforeEach} method and the test share them). The recorder stops listening after the test.</li>
 * <li>Before each test, every policy, registry and pipeline held in a field of the test class (static or not,
 * superclasses included) is reset to its initial state, as {@link ResilienceTesting#reset} says: policies
 * shared by the tests of a class start each test fresh.</li>
 * </ul>
 */
public class ResilienceExtension implements ParameterResolver, BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(ResilienceExtension.class);

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        Object instance = context.getTestInstance().orElse(null);
        for (Class<?> type = context.getRequiredTestClass(); type != null && type != Object.class;
                type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (!isStatic && instance == null || field.getType().isPrimitive()) {
                    continue;
                }
                if (!field.trySetAccessible()) {
                    continue;
                }
                Object value = field.get(isStatic ? null : instance);
                if (value != null) {
                    ResilienceTesting.resetIfPolicy(value);
                }
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ManualClock.class || type == QueuedExecutor.class || type == EventRecorder.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        Class<?> type = parameter.getParameter().getType();
        return context.getStore(NAMESPACE).computeIfAbsent(type, ResilienceExtension::create);
    }

    private static Object create(Class<?> type) {
        if (type == ManualClock.class) {
            return new ManualClock();
        }
        return type == QueuedExecutor.class ? new QueuedExecutor() : new EventRecorder();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        EventRecorder recorder = context.getStore(NAMESPACE).get(EventRecorder.class, EventRecorder.class);
        if (recorder != null) {
            recorder.close();
        }
    }
}

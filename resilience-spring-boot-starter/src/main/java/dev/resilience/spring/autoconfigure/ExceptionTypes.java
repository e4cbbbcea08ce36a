package dev.resilience.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.util.ClassUtils;

/** Turns configured exception class names into classes, failing with the property path on a bad name. */
final class ExceptionTypes {

    private ExceptionTypes() {
    }

    static List<Class<? extends Throwable>> resolve(List<String> names, String property, ClassLoader classLoader) {
        List<Class<? extends Throwable>> types = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            types.add(resolve(names.get(i), property + "[" + i + "]", classLoader));
        }
        return types;
    }

    /** One class name, the value of {@code property}. */
    static Class<? extends Throwable> resolve(String className, String property, ClassLoader classLoader) {
        String name = className == null ? "" : className.trim();
        if (name.isEmpty()) {
            throw new InvalidResilienceConfigException(property,
                    "is empty; expected the fully qualified name of an exception type");
        }
        Class<?> type;
        try {
            type = ClassUtils.forName(name, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidResilienceConfigException(property, "names class '" + name
                    + "', which was not found; expected the fully qualified name of an exception type");
        }
        if (!Throwable.class.isAssignableFrom(type)) {
            throw new InvalidResilienceConfigException(property, "names " + type.getName()
                    + ", which is not a Throwable; expected the fully qualified name of an exception type");
        }
        return type.asSubclass(Throwable.class);
    }
}

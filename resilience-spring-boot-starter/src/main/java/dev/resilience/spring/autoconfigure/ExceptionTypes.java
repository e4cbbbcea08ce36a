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
            String path = property + "[" + i + "]";
            String name = names.get(i) == null ? "" : names.get(i).trim();
            if (name.isEmpty()) {
                throw new InvalidResilienceConfigException(path,
                        "is empty; expected the fully qualified name of an exception type");
            }
            Class<?> type;
            try {
                type = ClassUtils.forName(name, classLoader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new InvalidResilienceConfigException(path, "names class '" + name
                        + "', which was not found; expected the fully qualified name of an exception type");
            }
            if (!Throwable.class.isAssignableFrom(type)) {
                throw new InvalidResilienceConfigException(path, "names " + type.getName()
                        + ", which is not a Throwable; expected the fully qualified name of an exception type");
            }
            types.add(type.asSubclass(Throwable.class));
        }
        return types;
    }
}

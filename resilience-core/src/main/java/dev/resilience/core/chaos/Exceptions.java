package dev.resilience.core.chaos;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;

/** Makes the configured exception of an injected fault, marked so it is never mistaken for a real one. */
final class Exceptions {

    private Exceptions() {
    }

    /** A public constructor of {@code type} taking a String, else a public no-argument one, else {@code null}. */
    static Constructor<? extends Throwable> constructor(Class<? extends Throwable> type) {
        if (Modifier.isAbstract(type.getModifiers())) {
            return null;
        }
        try {
            return type.getConstructor(String.class);
        } catch (NoSuchMethodException noMessage) {
            try {
                return type.getConstructor();
            } catch (NoSuchMethodException none) {
                return null;
            }
        }
    }

    static Throwable make(Constructor<? extends Throwable> constructor, String message) {
        Throwable made;
        try {
            made = constructor.getParameterCount() == 1 ? constructor.newInstance(message) : constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException failed) {
            return new InjectedFaultException(message + " (could not make " + constructor.getDeclaringClass().getName()
                    + ": " + failed + ")");
        }
        if (!(made instanceof InjectedFaultException)) {
            made.addSuppressed(new InjectedFaultException(message));
        }
        return made;
    }
}

package dev.resilience.spring.http;

import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;

import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.chaos.InjectedFaultException;

/**
 * What fault injection does to one HTTP exchange, right around it (inside every policy of the client): the
 * delay comes first, then maybe the failure, which is either the configured exception or, with a
 * {@code status}, a response of that status in place of the server's, which the client's HTTP rules then judge
 * like any other (a 503 is a failure, retried; it has no Retry-After). Either way it is marked as injected.
 */
final class HttpChaos {

    private HttpChaos() {
    }

    /** The text of an injected response's body, and of an injected exception's message. */
    static String message(Chaos chaos) {
        return "injected by chaos '" + chaos.name() + "'";
    }

    /**
     * The exception an injected failure throws: the configured type, made as the core makes it (with a message
     * if it takes one) and carrying an {@link InjectedFaultException}, or that exception itself.
     */
    static Throwable fault(Chaos chaos) {
        String message = message(chaos);
        Class<? extends Throwable> type = chaos.config().exception();
        Throwable made;
        try {
            Constructor<? extends Throwable> constructor = constructor(type);
            if (constructor == null) {
                return new InjectedFaultException(message + " (" + type.getName() + " has no public constructor)");
            }
            made = constructor.getParameterCount() == 1 ? constructor.newInstance(message)
                    : constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException failed) {
            return new InjectedFaultException(message + " (could not make " + type.getName() + ": " + failed + ")");
        }
        if (!(made instanceof InjectedFaultException)) {
            made.addSuppressed(new InjectedFaultException(message));
        }
        return made;
    }

    /** A public constructor taking a String, else a public one taking nothing (as {@code ChaosConfig} checks). */
    private static Constructor<? extends Throwable> constructor(Class<? extends Throwable> type) {
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

    /** The response an injected failure is answered with for a {@code RestClient} or {@code RestTemplate}. */
    static BufferedResponse response(Chaos chaos, int status) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.TEXT_PLAIN);
        HttpStatus known = HttpStatus.resolve(status);
        return BufferedResponse.of(HttpStatusCode.valueOf(status), known == null ? "" : known.getReasonPhrase(),
                HttpHeaders.readOnlyHttpHeaders(headers), body(chaos));
    }

    static byte[] body(Chaos chaos) {
        return message(chaos).getBytes(StandardCharsets.UTF_8);
    }
}

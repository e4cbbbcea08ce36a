package dev.resilience.spring.actuate;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/** The answer of an endpoint's {@code /{name}} operation: the instance's detail, or 404 with what was missing. */
final class InstanceResponses {

    private InstanceResponses() {
    }

    /** {@code detail} of the instance when there is one, else 404 saying {@code no <what> named '<name>'}. */
    static <T> WebEndpointResponse<Object> detailOrNotFound(Optional<T> instance, Function<T, Object> detail,
            String what, String name) {
        return instance.map(found -> new WebEndpointResponse<>(detail.apply(found)))
                .orElseGet(() -> notFound("no " + what + " named '" + name + "'"));
    }

    /** 404 with {@code {"error": error}}. */
    static WebEndpointResponse<Object> notFound(String error) {
        return new WebEndpointResponse<>(Map.of("error", error), WebEndpointResponse.STATUS_NOT_FOUND);
    }
}

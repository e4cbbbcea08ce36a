package dev.resilience.sample.a;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.timeout.TimeoutExceededException;

import reactor.core.publisher.Mono;

/** Service A: answers with its own message and B's, or B's fallback. */
@RestController
public class ServiceAController {

    private final ServiceBClient serviceB;
    private final ServiceBAsyncClient serviceBAsync;
    private final ServiceBReactiveClient serviceBReactive;
    private final ServiceBHttpClient serviceBHttp;

    public ServiceAController(ServiceBClient serviceB, ServiceBAsyncClient serviceBAsync,
            ServiceBReactiveClient serviceBReactive, ServiceBHttpClient serviceBHttp) {
        this.serviceB = serviceB;
        this.serviceBAsync = serviceBAsync;
        this.serviceBReactive = serviceBReactive;
        this.serviceBHttp = serviceBHttp;
    }

    @GetMapping("/")
    public Map<String, String> hello() {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("a", "hello from service A");
        answer.put("b", serviceB.hello());
        return answer;
    }

    /** The same through the asynchronous client: the request thread is let go while B answers. */
    @GetMapping("/async")
    public CompletableFuture<Map<String, String>> helloAsync() {
        return serviceBAsync.hello().thenApply(b -> {
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("a", "hello from service A");
            answer.put("b", b);
            return answer;
        });
    }

    /**
     * The same through the reactive client: Spring MVC subscribes to the {@code Mono} and lets the request
     * thread go; the policies run per subscription.
     */
    @GetMapping("/reactive")
    public Mono<Map<String, String>> helloReactive() {
        return serviceBReactive.hello().map(b -> {
            Map<String, String> answer = new LinkedHashMap<>();
            answer.put("a", "hello from service A");
            answer.put("b", b);
            return answer;
        });
    }

    /**
     * The same through a plain RestClient protected by configuration alone ({@code resilience.http.clients.
     * serviceBHttp}): no annotation, so no {@code @Fallback} either. What the client throws is caught here and
     * answered like the other paths' fallbacks.
     */
    @GetMapping("/configured")
    public Map<String, String> helloConfigured() {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("a", "hello from service A");
        answer.put("b", helloThroughConfiguredClient());
        return answer;
    }

    private String helloThroughConfiguredClient() {
        try {
            return serviceBHttp.hello();
        } catch (HttpServerErrorException failed) {
            // A 5xx after the last attempt (a failure status is retried, GET being idempotent): RestClient's own
            // exception, from the last response, which the interceptor handed back as it came.
            return "fallback: service B failed (answered " + failed.getStatusCode().value() + " to the last attempt)";
        } catch (HttpClientErrorException answered) {
            // A 4xx. But for 408 and 429 (failure statuses, retried like a 503) it is B's answer: sent once, not
            // retried, a success for the breaker.
            return "service B answered " + answered.getStatusCode().value();
        } catch (CircuitBreakerOpenException open) {
            // Rejected before a request was sent: B saw nothing.
            return "fallback: service B is unavailable, circuit open for another "
                    + open.remainingOpenTime().toSeconds() + "s";
        } catch (TimeoutExceededException timeout) {
            return "fallback: service B did not answer within " + timeout.duration().toMillis() + "ms";
        } catch (BulkheadFullException full) {
            return "fallback: too many calls to service B at once";
        } catch (ResourceAccessException unreachable) {
            // An I/O error (connection refused or reset) on every attempt.
            return "fallback: service B could not be reached (" + unreachable.getMessage() + ")";
        }
    }
}

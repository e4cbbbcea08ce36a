package dev.resilience.sample.a;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import reactor.core.publisher.Mono;

/** Service A: answers with its own message and B's, or B's fallback. */
@RestController
public class ServiceAController {

    private final ServiceBClient serviceB;
    private final ServiceBAsyncClient serviceBAsync;
    private final ServiceBReactiveClient serviceBReactive;

    public ServiceAController(ServiceBClient serviceB, ServiceBAsyncClient serviceBAsync,
            ServiceBReactiveClient serviceBReactive) {
        this.serviceB = serviceB;
        this.serviceBAsync = serviceBAsync;
        this.serviceBReactive = serviceBReactive;
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
}

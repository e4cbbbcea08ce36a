package dev.resilience.sample.b;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Service B: a downstream with chaos knobs ({@code POST /b/chaos}) and a count of the requests that reached it
 * ({@code GET /b/calls}), which shows retries arriving and an open breaker keeping calls away.
 */
@RestController
@RequestMapping("/b")
public class ServiceBController {

    private final AtomicReference<Chaos> chaos = new AtomicReference<>(Chaos.HEALTHY);
    private final AtomicLong calls = new AtomicLong();

    @GetMapping
    public ResponseEntity<Map<String, String>> hello() throws InterruptedException {
        calls.incrementAndGet();
        Chaos current = chaos.get();
        if (current.latencyMillis() > 0) {
            Thread.sleep(current.latencyMillis());
        }
        if (ThreadLocalRandom.current().nextDouble() < current.failureRate()) {
            return ResponseEntity.status(current.status())
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(current.retryAfterSeconds()))
                    .body(Map.of("error", "service B is failing on purpose"));
        }
        return ResponseEntity.ok(Map.of("message", "hello from service B"));
    }

    /** {@code {"failureRate": 0.5, "latencyMillis": 2000, "status": 503}}; {@code {}} heals B. */
    @PostMapping("/chaos")
    public Chaos setChaos(@RequestBody Chaos requested) {
        Chaos next = requested.withDefaults();
        chaos.set(next);
        return next;
    }

    @GetMapping("/chaos")
    public Chaos getChaos() {
        return chaos.get();
    }

    /** How many requests for hello reached B so far. */
    @GetMapping("/calls")
    public Map<String, Long> getCalls() {
        return Map.of("calls", calls.get());
    }
}

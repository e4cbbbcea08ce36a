package dev.resilience.sample.a;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /adaptive}: B's greeting through the adaptive bulkhead. */
@RestController
public class AdaptiveController {

    private final ServiceBAdaptiveClient serviceB;

    public AdaptiveController(ServiceBAdaptiveClient serviceB) {
        this.serviceB = serviceB;
    }

    @GetMapping("/adaptive")
    public Map<String, String> helloAdaptive() {
        return Map.of("service", "A", "b", serviceB.hello());
    }
}

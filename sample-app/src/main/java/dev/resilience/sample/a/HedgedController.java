package dev.resilience.sample.a;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /hedged}: B's greeting through the hedged client; {@code /actuator/hedges} shows the hedging. */
@RestController
public class HedgedController {

    private final ServiceBHedgedClient serviceB;

    public HedgedController(ServiceBHedgedClient serviceB) {
        this.serviceB = serviceB;
    }

    @GetMapping("/hedged")
    public Map<String, String> hello() {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("a", "hello from service A");
        answer.put("b", serviceB.hello());
        return answer;
    }
}

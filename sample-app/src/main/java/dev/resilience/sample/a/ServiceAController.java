package dev.resilience.sample.a;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Service A: answers with its own message and B's, or B's fallback. */
@RestController
public class ServiceAController {

    private final ServiceBClient serviceB;

    public ServiceAController(ServiceBClient serviceB) {
        this.serviceB = serviceB;
    }

    @GetMapping("/")
    public Map<String, String> hello() {
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("a", "hello from service A");
        answer.put("b", serviceB.hello());
        return answer;
    }
}

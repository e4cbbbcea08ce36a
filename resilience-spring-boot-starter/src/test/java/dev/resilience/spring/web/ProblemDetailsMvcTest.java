package dev.resilience.spring.web;

import static dev.resilience.spring.web.Endpoints.assertBootError;
import static dev.resilience.spring.web.Endpoints.assertProblem;
import static dev.resilience.spring.web.Endpoints.assertProblems;
import static dev.resilience.spring.web.Endpoints.contentType;
import static dev.resilience.spring.web.Endpoints.get;
import static dev.resilience.spring.web.Endpoints.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import tools.jackson.databind.JsonNode;

/** Spring MVC on Tomcat, on a random port: the problem responses as a client sees them. */
class ProblemDetailsMvcTest {

    private ConfigurableApplicationContext context;

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    private int start(Class<?> app, String... properties) {
        context = new SpringApplicationBuilder(app)
                .web(WebApplicationType.SERVLET)
                .properties("server.port=0", "spring.main.banner-mode=off")
                .properties(properties)
                .run();
        WebServerApplicationContext web = (WebServerApplicationContext) context;
        assertThat(web.getWebServer().getClass().getSimpleName()).isEqualTo("TomcatWebServer");
        return web.getWebServer().getPort();
    }

    @Test
    void eachResilienceExceptionBecomesItsProblemResponse() throws Exception {
        int port = start(App.class);
        assertThat(context.getBeansOfType(ResilienceMvcExceptionHandler.class)).hasSize(1);

        assertProblems(port, "/fail");
    }

    @Test
    void aWrappedExceptionAndAnAsyncFailureAreMappedToo() throws Exception {
        int port = start(App.class);

        HttpResponse<String> wrapped = get(port, "/fail/wrapped-timeout");
        assertProblem(wrapped, 504, ResilienceProblems.TIMEOUT_EXCEEDED_TYPE, "Timeout exceeded",
                Endpoints.timedOut().getMessage(), "/fail/wrapped-timeout", "slow");

        HttpResponse<String> async = get(port, "/fail/async-rate-limited");
        assertProblem(async, 429, ResilienceProblems.RATE_LIMITED_TYPE, "Rate limit exceeded",
                Endpoints.rateLimited().getMessage(), "/fail/async-rate-limited", "api");
        assertThat(async.headers().firstValue("Retry-After")).hasValue("2");
    }

    @Test
    void otherExceptionsKeepBootsErrorHandling() throws Exception {
        int port = start(App.class);

        assertBootError(get(port, "/fail/other"), "/fail/other");

        HttpResponse<String> badRequest = get(port, "/fail/needs-param");
        assertThat(badRequest.statusCode()).isEqualTo(400);
        assertThat(contentType(badRequest)).startsWith("application/json");
        assertThat(json(badRequest).get("error").asString()).isEqualTo("Bad Request");

        assertThat(get(port, "/no-such-path").statusCode()).isEqualTo(404);
    }

    @Test
    void theControllersOwnHandlerWins() throws Exception {
        int port = start(App.class);

        HttpResponse<String> own = get(port, "/own/rate-limited");
        assertThat(own.statusCode()).isEqualTo(429);
        assertThat(own.body()).isEqualTo("own handler: slow down");
        assertThat(own.headers().firstValue("X-Handled-By")).hasValue("controller");
        assertThat(own.headers().firstValue("Retry-After")).isEmpty();

        // What the controller does not handle itself is still ours.
        assertProblem(get(port, "/own/timeout"), 504, ResilienceProblems.TIMEOUT_EXCEEDED_TYPE, "Timeout exceeded",
                Endpoints.timedOut().getMessage(), "/own/timeout", "slow");
    }

    @Test
    void theApplicationsAdviceWinsEvenUnordered() throws Exception {
        int port = start(AppWithAdvice.class);

        HttpResponse<String> busy = get(port, "/fail/bulkhead-full");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.body()).isEqualTo("app advice: busy");
        assertThat(busy.headers().firstValue("X-Handled-By")).hasValue("advice");

        // What the advice does not handle is still ours.
        HttpResponse<String> rateLimited = get(port, "/fail/rate-limited");
        assertProblem(rateLimited, 429, ResilienceProblems.RATE_LIMITED_TYPE, "Rate limit exceeded",
                Endpoints.rateLimited().getMessage(), "/fail/rate-limited", "api");
    }

    @Test
    void disabledByThePropertyLeavesBootsDefaultError() throws Exception {
        int port = start(App.class, "resilience.web.problem-details.enabled=false");
        assertThat(context.getBeansOfType(ResilienceMvcExceptionHandler.class)).isEmpty();

        for (String path : new String[] { "/fail/rate-limited", "/fail/circuit-open", "/fail/bulkhead-full",
                "/fail/timeout" }) {
            assertBootError(get(port, path), path);
        }
    }

    @Test
    void resilienceEnabledFalseDoesNotTurnItOff() throws Exception {
        int port = start(App.class, "resilience.enabled=false");

        assertThat(get(port, "/fail/timeout").statusCode()).isEqualTo(504);
    }

    @Test
    void bootsOwnProblemDetailsStillWork() throws Exception {
        int port = start(App.class, "spring.mvc.problemdetails.enabled=true");
        assertThat(context.getBeansOfType(ResponseEntityExceptionHandler.class)).hasSize(1);

        assertProblems(port, "/fail");

        // Spring MVC's own exceptions: Boot's handler.
        HttpResponse<String> badRequest = get(port, "/fail/needs-param");
        assertThat(badRequest.statusCode()).isEqualTo(400);
        assertThat(contentType(badRequest)).startsWith("application/problem+json");
        JsonNode body = json(badRequest);
        assertThat(body.get("title").asString()).isEqualTo("Bad Request");
        assertThat(body.get("instance").asString()).isEqualTo("/fail/needs-param");

        // Anything else: Boot's error response as before.
        assertBootError(get(port, "/fail/other"), "/fail/other");
    }

    @Test
    void aProblemIsSentEvenToAClientThatAcceptsOnlyHtml() throws Exception {
        int port = start(App.class);

        HttpResponse<String> response = get(port, "/fail/circuit-open", "text/html");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(contentType(response)).startsWith("application/problem+json");
        assertThat(json(response).get("name").asString()).isEqualTo("backend");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({ FailingController.class, OwnHandlerController.class })
    static class App {
    }

    @Configuration(proxyBeanMethods = false)
    @Import({ App.class, AppAdvice.class })
    static class AppWithAdvice {
    }

    @RestController
    @RequestMapping("/fail")
    static class FailingController {

        @GetMapping("/rate-limited")
        String rateLimited() {
            throw Endpoints.rateLimited();
        }

        @GetMapping("/circuit-open")
        String circuitOpen() {
            throw Endpoints.circuitOpen();
        }

        @GetMapping("/circuit-half-open")
        String circuitHalfOpen() {
            throw Endpoints.circuitHalfOpen();
        }

        @GetMapping("/circuit-forced-open")
        String circuitForcedOpen() {
            throw Endpoints.circuitForcedOpen();
        }

        @GetMapping("/bulkhead-full")
        String bulkheadFull() {
            throw Endpoints.bulkheadFull();
        }

        @GetMapping("/timeout")
        String timeout() {
            throw Endpoints.timedOut();
        }

        @GetMapping("/wrapped-timeout")
        String wrappedTimeout() {
            throw new CompletionException(Endpoints.timedOut());
        }

        @GetMapping("/async-rate-limited")
        CompletableFuture<String> asyncRateLimited() {
            return CompletableFuture.supplyAsync(() -> {
                throw Endpoints.rateLimited();
            });
        }

        @GetMapping("/other")
        String other() {
            throw new IllegalStateException("boom");
        }

        @GetMapping("/needs-param")
        String needsParam(@RequestParam("x") String x) {
            return x;
        }
    }

    @RestController
    @RequestMapping("/own")
    static class OwnHandlerController {

        @GetMapping("/rate-limited")
        String rateLimited() {
            throw Endpoints.rateLimited();
        }

        @GetMapping("/timeout")
        String timeout() {
            throw Endpoints.timedOut();
        }

        @ExceptionHandler(RateLimitExceededException.class)
        ResponseEntity<String> slowDown(RateLimitExceededException exception) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).header("X-Handled-By", "controller")
                    .body("own handler: slow down");
        }
    }

    /** No {@code @Order}: the same (lowest) precedence as ours, and it still wins. */
    @RestControllerAdvice
    static class AppAdvice {

        @ExceptionHandler(BulkheadFullException.class)
        ResponseEntity<String> busy(BulkheadFullException exception) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("X-Handled-By", "advice")
                    .body("app advice: busy");
        }
    }
}

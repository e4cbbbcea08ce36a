package dev.resilience.spring.web;

import static dev.resilience.spring.web.Endpoints.assertBootError;
import static dev.resilience.spring.web.Endpoints.assertProblem;
import static dev.resilience.spring.web.Endpoints.assertProblems;
import static dev.resilience.spring.web.Endpoints.contentType;
import static dev.resilience.spring.web.Endpoints.get;
import static dev.resilience.spring.web.Endpoints.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

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
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;

import dev.resilience.core.bulkhead.BulkheadFullException;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Spring WebFlux on Reactor Netty, on a random port: the problem responses as a client sees them. The controllers
 * fail both ways a reactive controller can: by throwing, and with an erroring {@code Mono}.
 */
class ProblemDetailsWebFluxTest {

    private ConfigurableApplicationContext context;

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    private int start(Class<?> app, String... properties) {
        context = new SpringApplicationBuilder(app)
                .web(WebApplicationType.REACTIVE)
                .properties("server.port=0", "spring.main.banner-mode=off",
                        // Tomcat is on the test class path for the MVC tests; this one runs on Reactor Netty.
                        "spring.autoconfigure.exclude="
                                + "org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration")
                .properties(properties)
                .run();
        WebServerApplicationContext web = (WebServerApplicationContext) context;
        assertThat(web.getWebServer().getClass().getSimpleName()).isEqualTo("NettyWebServer");
        return web.getWebServer().getPort();
    }

    @Test
    void eachResilienceExceptionBecomesItsProblemResponse() throws Exception {
        int port = start(App.class);
        assertThat(context.getBeansOfType(ResilienceWebFluxExceptionHandler.class)).hasSize(1);

        assertProblems(port, "/fail"); // thrown by the controller method
        assertProblems(port, "/mono"); // the error of the Mono it returns
    }

    @Test
    void aLateErrorOfADelayedMonoIsMappedToo() throws Exception {
        int port = start(App.class);

        HttpResponse<String> response = get(port, "/mono/delayed-timeout");
        assertProblem(response, 504, ResilienceProblems.TIMEOUT_EXCEEDED_TYPE, "Timeout exceeded",
                Endpoints.timedOut().getMessage(), "/mono/delayed-timeout", "slow");
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

        assertProblem(get(port, "/own/timeout"), 504, ResilienceProblems.TIMEOUT_EXCEEDED_TYPE, "Timeout exceeded",
                Endpoints.timedOut().getMessage(), "/own/timeout", "slow");
    }

    @Test
    void theApplicationsAdviceWinsEvenUnordered() throws Exception {
        int port = start(AppWithAdvice.class);

        HttpResponse<String> busy = get(port, "/mono/bulkhead-full");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.body()).isEqualTo("app advice: busy");
        assertThat(busy.headers().firstValue("X-Handled-By")).hasValue("advice");

        assertProblem(get(port, "/mono/rate-limited"), 429, ResilienceProblems.RATE_LIMITED_TYPE,
                "Rate limit exceeded", Endpoints.rateLimited().getMessage(), "/mono/rate-limited", "api");
    }

    @Test
    void disabledByThePropertyLeavesBootsDefaultError() throws Exception {
        int port = start(App.class, "resilience.web.problem-details.enabled=false");
        assertThat(context.getBeansOfType(ResilienceWebFluxExceptionHandler.class)).isEmpty();

        for (String path : new String[] { "/fail/rate-limited", "/mono/circuit-open", "/fail/bulkhead-full",
                "/mono/timeout" }) {
            assertBootError(get(port, path), path);
        }
    }

    @Test
    void bootsOwnProblemDetailsStillWork() throws Exception {
        int port = start(App.class, "spring.webflux.problemdetails.enabled=true");
        assertThat(context.getBeansOfType(ResponseEntityExceptionHandler.class)).hasSize(1);

        assertProblems(port, "/mono");

        HttpResponse<String> badRequest = get(port, "/fail/needs-param");
        assertThat(badRequest.statusCode()).isEqualTo(400);
        assertThat(contentType(badRequest)).startsWith("application/problem+json");
        JsonNode body = json(badRequest);
        assertThat(body.get("title").asString()).isEqualTo("Bad Request");
        assertThat(body.get("instance").asString()).isEqualTo("/fail/needs-param");

        assertBootError(get(port, "/fail/other"), "/fail/other");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({ FailingController.class, FailingMonoController.class, OwnHandlerController.class })
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
        Mono<String> rateLimited() {
            throw Endpoints.rateLimited();
        }

        @GetMapping("/circuit-open")
        Mono<String> circuitOpen() {
            throw Endpoints.circuitOpen();
        }

        @GetMapping("/circuit-half-open")
        Mono<String> circuitHalfOpen() {
            throw Endpoints.circuitHalfOpen();
        }

        @GetMapping("/circuit-forced-open")
        Mono<String> circuitForcedOpen() {
            throw Endpoints.circuitForcedOpen();
        }

        @GetMapping("/bulkhead-full")
        Mono<String> bulkheadFull() {
            throw Endpoints.bulkheadFull();
        }

        @GetMapping("/timeout")
        Mono<String> timeout() {
            throw Endpoints.timedOut();
        }

        @GetMapping("/other")
        Mono<String> other() {
            return Mono.error(new IllegalStateException("boom"));
        }

        @GetMapping("/needs-param")
        Mono<String> needsParam(@RequestParam("x") String x) {
            return Mono.just(x);
        }
    }

    @RestController
    @RequestMapping("/mono")
    static class FailingMonoController {

        @GetMapping("/rate-limited")
        Mono<String> rateLimited() {
            return Mono.error(Endpoints.rateLimited());
        }

        @GetMapping("/circuit-open")
        Mono<String> circuitOpen() {
            return Mono.error(Endpoints.circuitOpen());
        }

        @GetMapping("/circuit-half-open")
        Mono<String> circuitHalfOpen() {
            return Mono.error(Endpoints.circuitHalfOpen());
        }

        @GetMapping("/circuit-forced-open")
        Mono<String> circuitForcedOpen() {
            return Mono.error(Endpoints.circuitForcedOpen());
        }

        @GetMapping("/bulkhead-full")
        Mono<String> bulkheadFull() {
            return Mono.error(Endpoints.bulkheadFull());
        }

        @GetMapping("/timeout")
        Mono<String> timeout() {
            return Mono.error(Endpoints.timedOut());
        }

        @GetMapping("/delayed-timeout")
        Mono<String> delayedTimeout() {
            return Mono.delay(Duration.ofMillis(50)).then(Mono.error(Endpoints.timedOut()));
        }
    }

    @RestController
    @RequestMapping("/own")
    static class OwnHandlerController {

        @GetMapping("/rate-limited")
        Mono<String> rateLimited() {
            return Mono.error(Endpoints.rateLimited());
        }

        @GetMapping("/timeout")
        Mono<String> timeout() {
            return Mono.error(Endpoints.timedOut());
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

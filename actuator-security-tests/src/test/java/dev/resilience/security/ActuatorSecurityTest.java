package dev.resilience.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.config.Customizer.withDefaults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.logging.LoggerConfiguration;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.core.chaos.ChaosConfig;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker.State;
import dev.resilience.core.circuitbreaker.CircuitBreakerOpenException;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;

/**
 * The actuator behind {@link ActuatorSecurityConfiguration} (the README's class) and src/test/resources'
 * application.yml (the README's too), over real HTTP: who may read, who may force a breaker or switch fault
 * injection, and why a cross-site request cannot.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "resilience.chaos.enabled=true",
        "resilience.chaos.instances.backend.fault-rate=1",
        "resilience.chaos.instances.backend.enabled=false" })
class ActuatorSecurityTest {

    private static final String BREAKER = "/actuator/circuitbreakers/backend";
    private static final String FORCE_OPEN = "{\"state\": \"FORCED_OPEN\"}";

    @LocalServerPort
    int port;

    @Autowired
    CircuitBreakerRegistry breakers;

    @Autowired
    ChaosRegistry chaos;

    @Autowired
    Backend backend;

    @Autowired
    LoggingSystem loggingSystem;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void restore() {
        breakers.instance("backend").transitionTo(State.CLOSED);
        chaos.instance("backend").configure(ChaosConfig.from(chaos.instance("backend").config()).enabled(false).build());
    }

    @Test
    void theAnnotatedMethodsBreakerIsThereAndClosed() {
        assertThat(breakers.find("backend")).isPresent();
        assertThat(backend.call()).isEqualTo("ok");
    }

    // --- writes ---

    @Test
    void forcingABreakerWithoutCredentialsIsUnauthorized() throws Exception {
        HttpResponse<String> response = send(postJson(BREAKER, FORCE_OPEN));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Basic"));
        assertThat(breakers.instance("backend").state()).isEqualTo(State.CLOSED);
    }

    @Test
    void forcingABreakerWithAWrongPasswordIsUnauthorized() throws Exception {
        HttpResponse<String> response = send(as("admin", "not-the-password", postJson(BREAKER, FORCE_OPEN)));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(breakers.instance("backend").state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aSignedInUserWithoutTheRoleCannotForceABreaker() throws Exception {
        HttpResponse<String> response = send(as("viewer", "viewer-password", postJson(BREAKER, FORCE_OPEN)));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(breakers.instance("backend").state()).isEqualTo(State.CLOSED);
        assertThat(backend.call()).as("calls still go through").isEqualTo("ok");
    }

    @Test
    void theResilienceAdminForcesABreakerOpen() throws Exception {
        HttpResponse<String> response = send(as("admin", "admin-password", postJson(BREAKER, FORCE_OPEN)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"state\":\"FORCED_OPEN\"");
        assertThat(breakers.instance("backend").state()).isEqualTo(State.FORCED_OPEN);
        assertThat(send(as("viewer", "viewer-password", get(BREAKER))).body())
                .as("what every reader now sees").contains("\"state\":\"FORCED_OPEN\"");
        assertThatThrownBy(backend::call).isInstanceOf(CircuitBreakerOpenException.class);
    }

    @Test
    void switchingFaultInjectionOnNeedsTheRoleToo() throws Exception {
        String path = "/actuator/chaos/backend";
        String switchOn = "{\"enabled\": true}";

        assertThat(send(postJson(path, switchOn)).statusCode()).isEqualTo(401);
        assertThat(send(as("viewer", "viewer-password", postJson(path, switchOn))).statusCode()).isEqualTo(403);
        assertThat(chaos.instance("backend").config().enabled()).as("still off").isFalse();

        HttpResponse<String> byAdmin = send(as("admin", "admin-password", postJson(path, switchOn)));
        assertThat(byAdmin.statusCode()).as(byAdmin.body()).isEqualTo(200);
        assertThat(chaos.instance("backend").config().enabled()).isTrue();
    }

    @Test
    void anyOtherWriteIsRefusedEvenToTheResilienceAdmin() throws Exception {
        String path = "/actuator/loggers/dev.resilience";
        String debug = "{\"configuredLevel\": \"DEBUG\"}";
        LoggerConfiguration before = loggingSystem.getLoggerConfiguration("dev.resilience");

        assertThat(send(postJson(path, debug)).statusCode()).isEqualTo(401);
        assertThat(send(as("admin", "admin-password", postJson(path, debug))).statusCode()).isEqualTo(403);
        assertThat(send(as("admin", "admin-password", get(path))).statusCode()).as("reading it is fine")
                .isEqualTo(200);
        assertThat(loggingSystem.getLoggerConfiguration("dev.resilience")).isEqualTo(before);
    }

    // --- reads ---

    @Test
    void readingTheResilienceEndpointsNeedsASignedInUser() throws Exception {
        for (String path : new String[] { "/actuator/circuitbreakers", BREAKER, "/actuator/chaos",
                "/actuator/resilienceevents", "/actuator" }) {
            assertThat(send(get(path)).statusCode()).as("anonymous GET " + path).isEqualTo(401);
            HttpResponse<String> signedIn = send(as("viewer", "viewer-password", get(path)));
            assertThat(signedIn.statusCode()).as("GET " + path + " by viewer").isEqualTo(200);
        }
        assertThat(send(as("viewer", "viewer-password", get("/actuator/circuitbreakers"))).body())
                .contains("\"backend\"");
    }

    @Test
    void healthShowsProbesTheStatusAndSignedInUsersTheBreakers() throws Exception {
        HttpResponse<String> anonymous = send(get("/actuator/health"));
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("circuitBreakers")
                .doesNotContain("components");
        assertThat(send(get("/actuator/health/circuitBreakers")).statusCode())
                .as("a component's health is a detail").isEqualTo(404);

        HttpResponse<String> signedIn = send(as("viewer", "viewer-password", get("/actuator/health")));
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(signedIn.body()).contains("\"circuitBreakers\"").contains("\"backend\"");
    }

    @Test
    void theApplicationsOwnChainKeepsTheRest() throws Exception {
        // Its catch-all rule (anyRequest().authenticated()) never sees an actuator request: health stays public.
        assertThat(send(get("/")).statusCode()).isEqualTo(401);
        assertThat(send(as("viewer", "viewer-password", get("/"))).statusCode()).as("signed in, no such page")
                .isEqualTo(404);
        assertThat(send(get("/actuator/health")).statusCode()).isEqualTo(200);
    }

    // --- CSRF: disabled on the actuator chain, and why a cross-site request still cannot write ---

    @Test
    void theAdminsScriptWritesWithoutACsrfToken() throws Exception {
        // No token, no session, no cookie: basic auth and a JSON body are all a tool sends.
        HttpResponse<String> response = send(as("admin", "admin-password", postJson(BREAKER, FORCE_OPEN)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().allValues("Set-Cookie")).as("stateless: no session cookie").isEmpty();
    }

    @Test
    void aFormPostCannotWriteEvenWithTheAdminsCredentials() throws Exception {
        // What a cross-site HTML form can send (a browser would attach cached basic credentials to it).
        for (String[] form : new String[][] { { "application/x-www-form-urlencoded", "state=FORCED_OPEN" },
                { "text/plain", FORCE_OPEN }, { "multipart/form-data; boundary=b",
                        "--b\r\nContent-Disposition: form-data; name=\"state\"\r\n\r\nFORCED_OPEN\r\n--b--\r\n" } }) {
            HttpResponse<String> response = send(as("admin", "admin-password", HttpRequest.newBuilder(uri(BREAKER))
                    .header("Content-Type", form[0]).POST(HttpRequest.BodyPublishers.ofString(form[1]))));

            assertThat(response.statusCode()).as(form[0]).isEqualTo(415);
            assertThat(breakers.instance("backend").state()).as(form[0]).isEqualTo(State.CLOSED);
        }
    }

    @Test
    void aPostWithoutABodyCannotWriteEither() throws Exception {
        // A cross-site fetch without a body needs no preflight, and carries no content type at all.
        HttpResponse<String> breaker = send(as("admin", "admin-password",
                HttpRequest.newBuilder(uri(BREAKER)).POST(HttpRequest.BodyPublishers.noBody())));
        HttpResponse<String> fault = send(as("admin", "admin-password",
                HttpRequest.newBuilder(uri("/actuator/chaos/backend")).POST(HttpRequest.BodyPublishers.noBody())));

        assertThat(breaker.statusCode()).as(breaker.body()).isEqualTo(415);
        assertThat(fault.statusCode()).as(fault.body()).isEqualTo(415);
        assertThat(breakers.instance("backend").state()).isEqualTo(State.CLOSED);
        assertThat(chaos.instance("backend").config().enabled()).isFalse();
    }

    @Test
    void aCrossOriginJsonPostIsStoppedAtItsPreflight() throws Exception {
        // A JSON POST from another origin's page is preceded by this preflight; without an allowed origin the
        // browser never sends the POST.
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(uri(BREAKER))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type"));

        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(preflight.statusCode()).isNotEqualTo(200);
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET();
    }

    private HttpRequest.Builder postJson(String path, String json) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    private static HttpRequest.Builder as(String user, String password, HttpRequest.Builder request) {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        return request.header("Authorization", "Basic " + credentials);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(ActuatorSecurityConfiguration.class)
    static class App {

        @Bean
        Backend backend() {
            return new Backend();
        }

        /** The application's own chain, for everything but the actuator: after the actuator's (no @Order). */
        @Bean
        SecurityFilterChain applicationSecurityFilterChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                    .httpBasic(withDefaults()).build();
        }

        /** For this test only: a real application takes its users from its identity store. */
        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("viewer").password("{noop}viewer-password").roles("VIEWER").build(),
                    User.withUsername("admin").password("{noop}admin-password")
                            .roles(ActuatorSecurityConfiguration.RESILIENCE_ADMIN).build());
        }
    }

    /** A bean with a breaker, so that the breaker exists from start-up (created with the proxy). */
    public static class Backend {

        @CircuitBreaker(name = "backend")
        public String call() {
            return "ok";
        }
    }
}

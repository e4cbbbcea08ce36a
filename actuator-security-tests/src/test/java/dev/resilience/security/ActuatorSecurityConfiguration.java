package dev.resilience.security;

import static org.springframework.security.config.Customizer.withDefaults;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The actuator behind HTTP basic: health open to probes (its status only), every other read for any signed-in
 * user, the resilience writes for {@value #RESILIENCE_ADMIN} alone, and any other write refused.
 */
@Configuration(proxyBeanMethods = false)
public class ActuatorSecurityConfiguration {

    /** The role that may force breakers and switch fault injection (granted as authority ROLE_RESILIENCE_ADMIN). */
    public static final String RESILIENCE_ADMIN = "RESILIENCE_ADMIN";

    @Bean
    @Order(1) // before the application's own chain, which may match every request
    public SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http) throws Exception {
        return http
                // This chain guards the actuator only (its base path and port, wherever they are configured).
                .securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests
                        // Probes and load balancers: the status, details only when signed in.
                        .requestMatchers(EndpointRequest.to("health").withHttpMethod(HttpMethod.GET)).permitAll()
                        // The writes: forcing a breaker, changing fault injection.
                        .requestMatchers(EndpointRequest.to("circuitbreakers", "chaos").withHttpMethod(HttpMethod.POST))
                        .hasRole(RESILIENCE_ADMIN)
                        // Every other read: any signed-in user.
                        .requestMatchers(EndpointRequest.toAnyEndpoint().withHttpMethod(HttpMethod.GET)).authenticated()
                        // Any other write (a later endpoint's, Boot's loggers, ...): refused until named above.
                        .anyRequest().denyAll())
                .httpBasic(withDefaults())
                // No session: every request carries its credentials, and no cookie can ride along cross-site.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // Scripts and tools (curl, an operator console) send JSON with basic auth and hold no CSRF token;
                // why that is safe here: README, "Protecting the actuator".
                .csrf(csrf -> csrf.disable())
                .build();
    }
}

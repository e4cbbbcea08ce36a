package dev.resilience.spring.http;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.client.ClientHttpRequestInterceptor;

import dev.resilience.core.spi.Clock;
import dev.resilience.spring.aop.MethodPipelineFactory;
import dev.resilience.spring.autoconfigure.HttpClientsProperties;
import dev.resilience.spring.autoconfigure.InvalidResilienceConfigException;

/**
 * The HTTP clients named under {@code resilience.http.clients}, and what protects requests with them. Boot's
 * {@code RestClient}, {@code RestTemplate} and {@code WebClient} builders and HTTP service groups get it
 * automatically; a hand-built client asks for it here:
 *
 * <pre>{@code
 * RestClient client = RestClient.builder().requestInterceptor(httpClients.interceptor("inventory")).build();
 * }</pre>
 */
public final class ResilienceHttpClients {

    private static final Pattern AUTHORITY = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:\\d{1,5})?");

    private final Map<String, ProtectedHttpClient> byName;
    /** {@code host:port} and plain {@code host} keys, lower case. */
    private final Map<String, ProtectedHttpClient> byAuthority;
    private final ResilienceRequestInterceptor byHost;

    ResilienceHttpClients(Map<String, ProtectedHttpClient> byName, Map<String, ProtectedHttpClient> byAuthority) {
        this.byName = byName;
        this.byAuthority = byAuthority;
        this.byHost = new ResilienceRequestInterceptor(this, null);
    }

    /**
     * Reads and checks every client, creating its policy instances at once (so the actuator shows them before
     * the first request).
     *
     * @throws InvalidResilienceConfigException naming the property at fault
     */
    public static ResilienceHttpClients create(HttpClientsProperties properties,
            ProtectedHttpClient.Registries registries, MethodPipelineFactory pipelines, Clock clock) {
        Map<String, ProtectedHttpClient> byName = new LinkedHashMap<>();
        Map<String, ProtectedHttpClient> byAuthority = new HashMap<>();
        properties.getClients().forEach((name, client) -> {
            String prefix = "resilience.http.clients." + name;
            if (client.getPolicies() == null || client.getPolicies().contains(null)) {
                throw new InvalidResilienceConfigException(prefix + ".policies",
                        "must list some of retry, circuitbreaker, timeout, bulkhead");
            }
            ProtectedHttpClient protectedClient = new ProtectedHttpClient(name, HttpRules.of(prefix, client),
                    client.getPolicies(), registries, pipelines, clock);
            byName.put(name, protectedClient);
            for (int i = 0; i < client.getHosts().size(); i++) {
                String authority = authority(prefix + ".hosts[" + i + "]", client.getHosts().get(i));
                ProtectedHttpClient other = byAuthority.putIfAbsent(authority, protectedClient);
                if (other != null) {
                    throw new InvalidResilienceConfigException(prefix + ".hosts[" + i + "]", "names " + authority
                            + ", which resilience.http.clients." + other.name + ".hosts names too: a host belongs "
                            + "to one client");
                }
            }
        });
        return new ResilienceHttpClients(Map.copyOf(byName), Map.copyOf(byAuthority));
    }

    static ResilienceHttpClients create(HttpClientsProperties properties, ProtectedHttpClient.Registries registries,
            MethodPipelineFactory pipelines) {
        return create(properties, registries, pipelines, pipelines.clock());
    }

    private static String authority(String property, String entry) {
        String trimmed = entry == null ? "" : entry.trim();
        if (!AUTHORITY.matcher(trimmed).matches()) {
            throw new InvalidResilienceConfigException(property, "must be a host or host:port such as "
                    + "inventory.internal:8443 (no scheme, no path), but was '" + entry + "'");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }

    /** The names of the configured clients. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** An interceptor protecting each request with the client whose {@code hosts} name its host. */
    public ClientHttpRequestInterceptor interceptor() {
        return byHost;
    }

    /**
     * An interceptor protecting every request with the client {@code name}, whatever its host.
     *
     * @throws IllegalArgumentException when no client has that name
     */
    public ClientHttpRequestInterceptor interceptor(String name) {
        return new ResilienceRequestInterceptor(this, named(name));
    }

    /** Whether a client of that name is configured (e.g. for an HTTP service group of the same name). */
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    ProtectedHttpClient named(String name) {
        ProtectedHttpClient client = byName.get(name);
        if (client == null) {
            throw new IllegalArgumentException("No HTTP client named '" + name + "' under resilience.http.clients; "
                    + "configured: " + byName.keySet());
        }
        return client;
    }

    /** The client protecting requests to {@code uri}, or {@code null}: such requests pass untouched. */
    ProtectedHttpClient forUri(URI uri) {
        if (byAuthority.isEmpty()) {
            return null;
        }
        String host = uri.getHost();
        if (host == null) {
            return null;
        }
        host = host.toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        ProtectedHttpClient client = byAuthority.get(host + ":" + port);
        return client != null ? client : byAuthority.get(host);
    }
}

package dev.resilience.spring.http;

import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
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
    /** Lower-case host: the clients its {@code hosts} entries name, by port. */
    private final Map<String, HostClients> byHost;
    private final ResilienceRequestInterceptor byHostInterceptor;

    ResilienceHttpClients(Map<String, ProtectedHttpClient> byName, Map<String, HostClients> byHost) {
        this.byName = byName;
        this.byHost = byHost;
        this.byHostInterceptor = new ResilienceRequestInterceptor(this, null);
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
        return new ResilienceHttpClients(Map.copyOf(byName), HostClients.byHost(byAuthority));
    }

    static ResilienceHttpClients create(HttpClientsProperties properties, ProtectedHttpClient.Registries registries,
            MethodPipelineFactory pipelines) {
        return create(properties, registries, pipelines, pipelines.clock());
    }

    /** The entry as {@code host} or {@code host:port}, lower case, the port as a number (8080 for 08080). */
    private static String authority(String property, String entry) {
        String trimmed = entry == null ? "" : entry.trim();
        Matcher matcher = AUTHORITY.matcher(trimmed);
        if (!matcher.matches()) {
            throw new InvalidResilienceConfigException(property, "must be a host or host:port such as "
                    + "inventory.internal:8443 (no scheme, no path), but was '" + entry + "'");
        }
        String host = matcher.group(1).toLowerCase(Locale.ROOT);
        return matcher.group(2) == null ? host : host + ":" + Integer.parseInt(matcher.group(2).substring(1));
    }

    /** The names of the configured clients. */
    public Set<String> names() {
        return byName.keySet();
    }

    /**
     * Whether some client names {@code hosts}: without any, the interceptor by host lets every request pass, and
     * Boot's builders are left without it (any interceptor costs a {@code RestClient} Spring's intercepting
     * request).
     */
    boolean hasHosts() {
        return !byHost.isEmpty();
    }

    /** An interceptor protecting each request with the client whose {@code hosts} name its host. */
    public ClientHttpRequestInterceptor interceptor() {
        return byHostInterceptor;
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
        if (byHost.isEmpty()) {
            return null;
        }
        String host = uri.getHost();
        if (host == null) {
            return null;
        }
        // Per request: no key is built (toLowerCase returns the host itself when it is lower case already).
        HostClients clients = byHost.get(host.toLowerCase(Locale.ROOT));
        if (clients == null) {
            return null;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return clients.forPort(port);
    }
}

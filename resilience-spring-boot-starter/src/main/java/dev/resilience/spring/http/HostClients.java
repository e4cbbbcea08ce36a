package dev.resilience.spring.http;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The clients whose {@code hosts} name one host: one per port, and one for any port. Looked up per request by
 * the request's host, then its port, so that no {@code host:port} key is built per request.
 */
final class HostClients {

    private static final HostClients NONE = new HostClients(new int[0], new ProtectedHttpClient[0], null);

    private final int[] ports;
    private final ProtectedHttpClient[] clients;
    /** The client of the plain {@code host} entry, for the other ports; {@code null} if none. */
    private final ProtectedHttpClient anyPort;

    private HostClients(int[] ports, ProtectedHttpClient[] clients, ProtectedHttpClient anyPort) {
        this.ports = ports;
        this.clients = clients;
        this.anyPort = anyPort;
    }

    /** Groups checked, lower-case {@code host} and {@code host:port} entries (each named once) by host. */
    static Map<String, HostClients> byHost(Map<String, ProtectedHttpClient> byAuthority) {
        Map<String, HostClients> byHost = new HashMap<>();
        byAuthority.forEach((authority, client) -> {
            int colon = authority.lastIndexOf(':');
            boolean hasPort = colon > authority.lastIndexOf(']'); // an IPv6 host is in brackets
            String host = hasPort ? authority.substring(0, colon) : authority;
            HostClients known = byHost.getOrDefault(host, NONE);
            byHost.put(host, hasPort ? known.with(Integer.parseInt(authority.substring(colon + 1)), client)
                    : new HostClients(known.ports, known.clients, client));
        });
        return Map.copyOf(byHost);
    }

    private HostClients with(int port, ProtectedHttpClient client) {
        int n = ports.length;
        int[] morePorts = Arrays.copyOf(ports, n + 1);
        ProtectedHttpClient[] moreClients = Arrays.copyOf(clients, n + 1);
        morePorts[n] = port;
        moreClients[n] = client;
        return new HostClients(morePorts, moreClients, anyPort);
    }

    /** The client for a request to this host on {@code port}, or {@code null}: such requests pass untouched. */
    ProtectedHttpClient forPort(int port) {
        int[] known = ports;
        for (int i = 0; i < known.length; i++) {
            if (known[i] == port) {
                return clients[i];
            }
        }
        return anyPort;
    }
}

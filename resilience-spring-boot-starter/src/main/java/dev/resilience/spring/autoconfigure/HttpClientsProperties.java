package dev.resilience.spring.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code resilience.http.*}: HTTP clients protected by configuration alone. Each named client applies its
 * policies (instances of the same name, configured as usual under {@code resilience.<policy>.instances}) to
 * the requests for its hosts, or to its HTTP service group's requests.
 */
public class HttpClientsProperties {

    /**
     * The protected clients, by name; the name is also the name of each policy instance a client uses, and of
     * its chaos instance (resilience.chaos.instances) when resilience.chaos.enabled is true.
     */
    private final Map<String, Client> clients = new LinkedHashMap<>();

    public Map<String, Client> getClients() {
        return clients;
    }

    /** The policies an HTTP client can apply, always nested in the usual order. */
    public enum Policy {
        RETRY, CIRCUITBREAKER, TIMEOUT, BULKHEAD
    }

    /** {@code resilience.http.clients.<name>.*}. */
    public static class Client {

        /**
         * Authorities (host, or host:port) whose requests this client protects, e.g. inventory.internal:8443. A
         * host without a port matches every port. May be left out by a client named like an HTTP service group,
         * which protects that group's requests whatever their host.
         */
        private List<String> hosts = new ArrayList<>();

        /** The policies applied, nested in the usual order whatever the order here. */
        private List<Policy> policies = new ArrayList<>(List.of(Policy.values()));

        /**
         * Whether requests with a method not in idempotent-methods (POST, PATCH) are retried. Without it they are
         * retried only when they carry an Idempotency-Key header.
         */
        private boolean retryNonIdempotent = false;

        /** The methods whose requests are retried. */
        private List<String> idempotentMethods = new ArrayList<>(
                List.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"));

        /**
         * Response statuses that are failures for the breaker and the retry: codes (429) or inclusive ranges
         * (502-504). Other statuses are answers: counted as successes and returned as they are.
         */
        private List<String> failureStatuses = new ArrayList<>(List.of("408", "429", "500", "502-504", "506-599"));

        /**
         * Whether a Retry-After header on a 429 or 503 response (delta-seconds or an HTTP-date) sets the wait
         * before the next attempt, capped by the retry's max-wait-duration.
         */
        private boolean honorRetryAfter = true;

        public List<String> getHosts() {
            return hosts;
        }

        public void setHosts(List<String> hosts) {
            this.hosts = hosts;
        }

        public List<Policy> getPolicies() {
            return policies;
        }

        public void setPolicies(List<Policy> policies) {
            this.policies = policies;
        }

        public boolean isRetryNonIdempotent() {
            return retryNonIdempotent;
        }

        public void setRetryNonIdempotent(boolean retryNonIdempotent) {
            this.retryNonIdempotent = retryNonIdempotent;
        }

        public List<String> getIdempotentMethods() {
            return idempotentMethods;
        }

        public void setIdempotentMethods(List<String> idempotentMethods) {
            this.idempotentMethods = idempotentMethods;
        }

        public List<String> getFailureStatuses() {
            return failureStatuses;
        }

        public void setFailureStatuses(List<String> failureStatuses) {
            this.failureStatuses = failureStatuses;
        }

        public boolean isHonorRetryAfter() {
            return honorRetryAfter;
        }

        public void setHonorRetryAfter(boolean honorRetryAfter) {
            this.honorRetryAfter = honorRetryAfter;
        }
    }
}

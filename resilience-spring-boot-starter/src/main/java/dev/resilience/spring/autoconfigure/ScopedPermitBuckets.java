package dev.resilience.spring.autoconfigure;

import java.util.Map;
import java.util.TreeSet;

import org.springframework.beans.factory.ObjectProvider;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.ratelimiter.PermitBucket;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.ratelimiter.RateLimiterScope;
import dev.resilience.core.spi.Clock;

/**
 * Where each rate limiter takes its buckets, by the scope of its resolved config: {@code local} ones are this
 * process's own, {@code cluster} ones come from the bean named {@value #CLUSTER_BEAN} (provided by the cluster
 * module when the application has a Hazelcast instance or a Redis client), looked up when the first
 * cluster-wide bucket is made.
 */
final class ScopedPermitBuckets implements PermitBuckets {

    /** The name of the {@link PermitBuckets} bean that makes cluster-wide buckets. */
    static final String CLUSTER_BEAN = "resilienceClusterPermitBuckets";

    private static final String PREFIX = "resilience.ratelimiter";
    private static final String NEEDS = "but cluster scope needs a Hazelcast instance or a Redis (Lettuce) client "
            + "bean in the application, with the resilience cluster module that makes the bean '" + CLUSTER_BEAN
            + "' from it; there is no such bean. Add one, or set the scope to local";

    private final PermitBuckets local;
    private final ObjectProvider<PermitBuckets> clusterProvider;
    private volatile PermitBuckets cluster;

    ScopedPermitBuckets(Clock clock, ObjectProvider<PermitBuckets> clusterProvider) {
        this.local = PermitBuckets.local(clock);
        this.clusterProvider = clusterProvider;
    }

    @Override
    public PermitBucket create(String name, Object key, RateLimiterConfig config) {
        if (config.scope() == RateLimiterScope.CLUSTER) {
            return cluster(name).create(name, key, config);
        }
        return local.create(name, key, config);
    }

    private PermitBuckets cluster(String name) {
        PermitBuckets buckets = cluster;
        if (buckets == null) {
            buckets = clusterProvider.getIfAvailable();
            if (buckets == null) {
                throw new IllegalStateException("rate limiter '" + name + "' has scope cluster, " + NEEDS + ".");
            }
            cluster = buckets;
        }
        return buckets;
    }

    /**
     * Stops start-up when a config every instance may use ({@code default}) or a configured instance resolves to
     * scope {@code cluster} and there is no bean to make cluster-wide buckets.
     *
     * @throws InvalidResilienceConfigException naming the {@code scope} property that asked for {@code cluster}
     */
    void requireClusterBucketsWhereNeeded(RateLimiterRegistry registry, RateLimiterProperties properties) {
        if (registry.config(PolicyRegistry.DEFAULT_CONFIG).scope() == RateLimiterScope.CLUSTER) {
            requireCluster(scopeSetBy(properties, false, PolicyRegistry.DEFAULT_CONFIG), null);
        }
        for (String instance : new TreeSet<>(properties.getInstances().keySet())) {
            if (registry.instanceConfig(instance).scope() == RateLimiterScope.CLUSTER) {
                requireCluster(scopeSetBy(properties, true, instance), instance);
            }
        }
    }

    private void requireCluster(String property, String instance) {
        if (cluster == null) {
            PermitBuckets buckets = clusterProvider.getIfAvailable();
            if (buckets == null) {
                String user = instance == null || property.startsWith(PREFIX + ".instances." + instance + ".")
                        ? "" : " (inherited by instance '" + instance + "')";
                throw new InvalidResilienceConfigException(property, "is cluster" + user + ", " + NEEDS + ".");
            }
            cluster = buckets;
        }
    }

    /**
     * The {@code scope} property that decides the scope of the instance or config {@code name}: its own, else
     * that of its base config, and so on (the configs were validated, so there is no cycle).
     */
    private static String scopeSetBy(RateLimiterProperties properties, boolean instance, String name) {
        Map<String, RateLimiterProperties.Settings> map = instance ? properties.getInstances()
                : properties.getConfigs();
        RateLimiterProperties.Settings settings = map.get(name);
        String path = PREFIX + (instance ? ".instances." : ".configs.") + name + ".scope";
        if (settings != null && settings.getScope() != null) {
            return path;
        }
        if (!instance && PolicyRegistry.DEFAULT_CONFIG.equals(name)) {
            return path; // the built-in default is local: not reached for a cluster scope
        }
        String base = settings == null || settings.getBaseConfig() == null || settings.getBaseConfig().isBlank()
                ? PolicyRegistry.DEFAULT_CONFIG : settings.getBaseConfig();
        return scopeSetBy(properties, false, base);
    }
}

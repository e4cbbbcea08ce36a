package dev.resilience.ratelimiter.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.resilience.core.ratelimiter.PermitBucket;
import dev.resilience.core.ratelimiter.PermitBuckets;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.core.ratelimiter.RateLimiterType;
import dev.resilience.core.spi.Clock;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AbstractProxyManagerBuilder;
import io.github.bucket4j.distributed.proxy.ProxyManager;

/**
 * Buckets shared by every instance of a service: one per limiter name (and one per key of a keyed limiter) on
 * a distributed engine, through Bucket4j's proxy managers (Hazelcast: {@link HazelcastEngine}; Redis through
 * Lettuce: {@link RedisEngine}; any other Bucket4j engine: {@link #builder(String, Supplier)}). The limiter's
 * settings map to one Bucket4j bandwidth of capacity {@code limitForPeriod}:
 * <ul>
 * <li>{@code SMOOTH}: greedy refill of {@code limitForPeriod} per period, continuously (one permit every
 * {@code period / limit}), bursts up to the limit: Bucket4j's token bucket is the same algorithm as the local
 * smooth bucket.</li>
 * <li>{@code FIXED_WINDOW}: intervally aligned refill of {@code limitForPeriod} at every multiple of the period
 * since the epoch (wall clock): all the limit comes back at each window's start, and unused permits do not
 * carry over (the capacity caps them). Unlike the local fixed window, whose windows count from its creation,
 * the windows are the same for every instance.</li>
 * </ul>
 * Entry names are {@code keyPrefix + name}, or {@code keyPrefix + name + ":" + key} for a key's bucket. The
 * settings of the instance started last win: each instance's buckets carry its start time as Bucket4j's
 * configuration version, so a changed limit replaces the stored one (tokens kept as they are) on the first
 * call from a newer instance. An entry expires once it has been full for a while ({@code keepAfterRefill}),
 * so keys that went quiet do not pile up in the engine.
 *
 * <p>A call that the engine fails (unreachable, timed out) makes the limiter's buckets fall back at once: to
 * a local bucket of {@code limitForPeriod / expectedInstances} (at least 1) per period with
 * {@code onEngineFailure: local}, or to rejecting every call ({@code reject}, retry after one period). One call
 * per {@code probeInterval} tries the engine again and, when it answers, the shared bucket counts again. The
 * {@link EngineStateListener} hears each transition once per limiter; {@link #state(String)} says where a
 * limiter stands.
 */
public final class ClusterPermitBuckets implements PermitBuckets, AutoCloseable {

    private final String engineName;
    private final Supplier<Engine<?>> connector;
    private final Clock clock;
    private final EngineStateListener listener;
    private final long probeIntervalNanos;
    private final Duration requestTimeout;
    private final Duration keepAfterRefill;
    private final String keyPrefix;
    private final boolean engineTimeOnClock;
    private final long configVersion;
    private final ConcurrentHashMap<String, EngineLink> links = new ConcurrentHashMap<>();

    private final Object connectLock = new Object();
    private volatile ProxyManager<String> proxies;
    private AutoCloseable resources;
    private boolean closed;
    private RuntimeException connectFailure;
    private long connectRetryAt;

    private ClusterPermitBuckets(Builder b) {
        this.engineName = b.engineName;
        this.connector = b.connector;
        this.clock = b.clock;
        this.listener = b.listener;
        this.probeIntervalNanos = b.probeInterval.toNanos();
        this.requestTimeout = b.requestTimeout;
        this.keepAfterRefill = b.keepAfterRefill;
        this.keyPrefix = b.keyPrefix;
        this.engineTimeOnClock = b.engineTimeOnClock;
        this.configVersion = Math.max(1, clock.currentTimeMillis());
    }

    /**
     * Buckets on the engine {@code connector} opens, on first use (and again after a failed attempt, at most
     * once per probe interval): a Bucket4j proxy-manager builder, which these buckets configure (client clock,
     * request timeout, expiry) and build.
     *
     * @param engineName what health details and events call the engine: {@code hazelcast}, {@code redis}, ...
     */
    public static Builder builder(String engineName, Supplier<Engine<?>> connector) {
        return new Builder(engineName, connector);
    }

    @Override
    public PermitBucket create(String name, Object key, RateLimiterConfig config) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        EngineLink link = links.computeIfAbsent(name,
                n -> new EngineLink(n, engineName, config, clock, probeIntervalNanos, listener));
        if (key == null) {
            link.configure(config);
        }
        String id = keyPrefix + name + (key == null ? "" : ":" + key);
        // Built here, not on first use, so that settings Bucket4j refuses fail now, not as an engine failure.
        return new ClusterBucket(this, link, name, id, config, configurationOf(config));
    }

    /** Where limiter {@code name} takes its permits, if it has buckets here. */
    public Optional<EngineState> state(String name) {
        EngineLink link = links.get(name);
        return link == null ? Optional.empty() : Optional.of(link.state());
    }

    /** Every limiter with buckets here, by name. */
    public Map<String, EngineState> states() {
        Map<String, EngineState> all = new TreeMap<>();
        links.forEach((name, link) -> all.put(name, link.state()));
        return Collections.unmodifiableMap(all);
    }

    /** {@code hazelcast}, {@code redis}, or the name the builder was given. */
    public String engineName() {
        return engineName;
    }

    Clock clock() {
        return clock;
    }

    /** The bucket {@code id} on the engine; throws while the engine cannot be reached. */
    BucketProxy remoteBucket(String id, BucketConfiguration configuration) {
        return engine().builder()
                .withImplicitConfigurationReplacement(configVersion, TokensInheritanceStrategy.AS_IS)
                .build(id, () -> configuration);
    }

    /** The limiter's settings as one Bucket4j bandwidth (see the class comment). */
    static BucketConfiguration configurationOf(RateLimiterConfig config) {
        long limit = config.limitForPeriod();
        Duration period = config.limitRefreshPeriod();
        var capacity = BandwidthBuilder.builder().capacity(limit);
        Bandwidth bandwidth = config.type() == RateLimiterType.SMOOTH
                ? capacity.refillGreedy(limit, period).build()
                : capacity.refillIntervallyAligned(limit, period, Instant.EPOCH).build();
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    private ProxyManager<String> engine() {
        ProxyManager<String> current = proxies;
        if (current != null) {
            return current;
        }
        synchronized (connectLock) {
            if (proxies != null) {
                return proxies;
            }
            if (closed) {
                throw new IllegalStateException("the " + engineName + " buckets are closed");
            }
            // One attempt per probe interval: calls in between fail at once with the last attempt's failure.
            if (connectFailure != null && clock.nanoTime() - connectRetryAt < 0) {
                throw connectFailure;
            }
            try {
                Engine<?> engine = connector.get();
                proxies = engine.build(this);
                resources = engine.resources();
                connectFailure = null;
                return proxies;
            } catch (RuntimeException failed) {
                connectFailure = failed;
                connectRetryAt = clock.nanoTime() + probeIntervalNanos;
                throw failed;
            }
        }
    }

    /** Releases what the connector opened for these buckets (a Redis connection); the engine itself stays. */
    @Override
    public void close() {
        AutoCloseable opened;
        synchronized (connectLock) {
            closed = true;
            opened = resources;
            resources = null;
        }
        if (opened != null) {
            try {
                opened.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("could not close the " + engineName + " connection", e);
            }
        }
    }

    @Override
    public String toString() {
        return "ClusterPermitBuckets[" + engineName + "]";
    }

    /**
     * An engine opened by a connector: the Bucket4j proxy-manager builder of its buckets, how a bucket's id
     * becomes the engine's key, and what closing the buckets releases.
     *
     * @param <K> the engine's key type
     */
    public static final class Engine<K> {
        private final AbstractProxyManagerBuilder<K, ?, ?> proxies;
        private final Function<String, K> keys;
        private final AutoCloseable resources;

        private Engine(AbstractProxyManagerBuilder<K, ?, ?> proxies, Function<String, K> keys,
                AutoCloseable resources) {
            this.proxies = Objects.requireNonNull(proxies, "proxies");
            this.keys = Objects.requireNonNull(keys, "keys");
            this.resources = resources;
        }

        /** An engine keyed by strings, with nothing to release. */
        public static Engine<String> of(AbstractProxyManagerBuilder<String, ?, ?> proxies) {
            return new Engine<>(proxies, Function.identity(), null);
        }

        /** An engine with keys of its own type, and what to release when the buckets close (may be null). */
        public static <K> Engine<K> of(AbstractProxyManagerBuilder<K, ?, ?> proxies, Function<String, K> keys,
                AutoCloseable resources) {
            return new Engine<>(proxies, keys, resources);
        }

        AutoCloseable resources() {
            return resources;
        }

        ProxyManager<String> build(ClusterPermitBuckets buckets) {
            if (buckets.engineTimeOnClock) {
                Clock clock = buckets.clock;
                proxies.clientClock(new TimeMeter() {
                    @Override
                    public long currentTimeNanos() {
                        return clock.currentTimeMillis() * 1_000_000L;
                    }

                    @Override
                    public boolean isWallClockBased() {
                        return true;
                    }
                });
            }
            proxies.requestTimeout(buckets.requestTimeout);
            if (proxies.isExpireAfterWriteSupported()) {
                proxies.expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(buckets.keepAfterRefill));
            }
            ProxyManager<K> built = proxies.build();
            return built.withMapper(keys);
        }
    }

    /** Settings of {@link ClusterPermitBuckets}; every one has a default. */
    public static final class Builder {
        private final String engineName;
        private final Supplier<Engine<?>> connector;
        private Clock clock = Clock.system();
        private EngineStateListener listener = EngineStateListener.NONE;
        private Duration probeInterval = Duration.ofSeconds(1);
        private Duration requestTimeout = Duration.ofSeconds(1);
        private Duration keepAfterRefill = Duration.ofMinutes(1);
        private String keyPrefix = "";
        private boolean engineTimeOnClock;

        private Builder(String engineName, Supplier<Engine<?>> connector) {
            this.engineName = Objects.requireNonNull(engineName, "engineName");
            this.connector = Objects.requireNonNull(connector, "connector");
        }

        /** The clock of the fallback buckets and of the probe interval (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Told when a limiter loses its engine and when it has it back. */
        public Builder listener(EngineStateListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How often a limiter whose engine is lost tries it again (default 1 s). */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = positive("probeInterval", interval);
            return this;
        }

        /** How long a call waits for the engine before it counts as lost (default 1 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /** How long an entry stays in the engine after its bucket is full again (default 1 min). */
        public Builder keepAfterRefill(Duration keep) {
            this.keepAfterRefill = positive("keepAfterRefill", keep);
            return this;
        }

        /** Put before every entry's name: e.g. {@code resilience:rate-limiter:} in a shared Redis. */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = Objects.requireNonNull(prefix, "keyPrefix");
            return this;
        }

        /**
         * Whether the buckets' time is this builder's clock's wall time instead of the engine's default (the
         * Hazelcast member's, the Redis client's system clock). For tests on a manual clock; in production
         * every instance's clock must then agree.
         */
        public Builder engineTimeOnClock(boolean onClock) {
            this.engineTimeOnClock = onClock;
            return this;
        }

        public ClusterPermitBuckets build() {
            return new ClusterPermitBuckets(this);
        }

        private static Duration positive(String setting, Duration value) {
            Objects.requireNonNull(value, setting);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(setting + " must be positive, was " + value);
            }
            return value;
        }
    }
}

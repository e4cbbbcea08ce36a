package dev.resilience.core.ratelimiter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.resilience.core.spi.Clock;

/**
 * One bucket per key, at most {@code maxKeys} of them. Looking a key up takes no lock; when a new key pushes
 * the count past the bound, the least recently used tenth is dropped in one pass (a dropped key starts again
 * with a full bucket).
 */
final class KeyedBuckets {

    private final String name;
    private final RateLimiterConfig config;
    private final PermitBuckets factory;
    private final Clock clock;
    private volatile int maxKeys;
    private final ConcurrentHashMap<Object, Entry> buckets = new ConcurrentHashMap<>();

    KeyedBuckets(String name, RateLimiterConfig config, PermitBuckets factory, Clock clock) {
        this.name = name;
        this.config = config;
        this.factory = factory;
        this.clock = clock;
        this.maxKeys = config.maxKeys();
    }

    PermitBucket bucket(Object key) {
        Entry entry = buckets.get(key);
        if (entry == null) {
            entry = buckets.computeIfAbsent(key, k -> new Entry(factory.create(name, k, config)));
            if (buckets.size() > maxKeys) {
                evict(entry);
            }
        }
        entry.lastUsed = clock.coarseNanoTime();
        return entry.bucket;
    }

    /** A new bound, applied when the next new key arrives. */
    void maxKeys(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    int size() {
        return buckets.size();
    }

    /** Drops the least recently used keys down to 90% of the bound, never {@code keep}. */
    private synchronized void evict(Entry keep) {
        int excess = buckets.size() - maxKeys;
        if (excess <= 0) {
            return;
        }
        int drop = Math.max(excess, maxKeys / 10);
        List<Map.Entry<Object, Entry>> all = new ArrayList<>(buckets.entrySet());
        all.sort(Comparator.comparingLong(e -> e.getValue().lastUsed));
        for (int i = 0, dropped = 0; i < all.size() && dropped < drop; i++) {
            Map.Entry<Object, Entry> candidate = all.get(i);
            if (candidate.getValue() != keep && buckets.remove(candidate.getKey(), candidate.getValue())) {
                dropped++;
            }
        }
    }

    private static final class Entry {
        final PermitBucket bucket;
        volatile long lastUsed;

        Entry(PermitBucket bucket) {
            this.bucket = bucket;
        }
    }
}

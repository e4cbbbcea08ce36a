package dev.resilience.spring.aop;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts calls per key. Test beans keep one in a field and read it through a public method, because a class
 * proxy's own fields are not the target's.
 */
final class CallCounter {

    private final ConcurrentMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    /** Counts one more call of {@code key}; returns the count including it. */
    int increment(String key) {
        return counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    int get(String key) {
        AtomicInteger count = counts.get(key);
        return count == null ? 0 : count.get();
    }
}

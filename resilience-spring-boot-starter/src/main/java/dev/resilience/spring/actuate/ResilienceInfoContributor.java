package dev.resilience.spring.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

import dev.resilience.core.spi.Clock;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;

/** Adds {@code "resilience"} to {@code /actuator/info}: library version, start time, uptime, instances. */
public class ResilienceInfoContributor implements InfoContributor {

    private final CircuitBreakerRegistry circuitBreakers;
    private final RetryRegistry retries;
    private final RateLimiterRegistry rateLimiters;
    private final TimeoutRegistry timeouts;
    private final BulkheadRegistry bulkheads;
    private final Clock clock;
    private final Instant startedAt;

    public ResilienceInfoContributor(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock) {
        this(circuitBreakers, retries, null, timeouts, bulkheads, clock);
    }

    /** @param rateLimiters counted in the section as {@code rateLimiters}; {@code null} leaves them out */
    public ResilienceInfoContributor(CircuitBreakerRegistry circuitBreakers, RetryRegistry retries,
            RateLimiterRegistry rateLimiters, TimeoutRegistry timeouts, BulkheadRegistry bulkheads, Clock clock) {
        this.circuitBreakers = circuitBreakers;
        this.retries = retries;
        this.rateLimiters = rateLimiters;
        this.timeouts = timeouts;
        this.bulkheads = bulkheads;
        this.clock = clock;
        this.startedAt = Instant.ofEpochMilli(clock.currentTimeMillis());
    }

    @Override
    public void contribute(Info.Builder builder) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", libraryVersion());
        info.put("startedAt", startedAt.toString());
        info.put("uptime", Duration.ofMillis(clock.currentTimeMillis() - startedAt.toEpochMilli()).toString());
        Map<String, String> states = new LinkedHashMap<>();
        for (CircuitBreaker breaker : circuitBreakers.all()) {
            states.put(breaker.name(), breaker.state().name());
        }
        info.put("circuitBreakers", states);
        info.put("bulkheads", bulkheads.all().size());
        info.put("retries", retries.all().size());
        if (rateLimiters != null) {
            info.put("rateLimiters", rateLimiters.all().size());
        }
        info.put("timeouts", timeouts.all().size());
        builder.withDetail("resilience", info);
    }

    /** From a resource Maven fills in at build time, so it is right in tests and in the jar alike. */
    static String libraryVersion() {
        try (InputStream in = ResilienceInfoContributor.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}

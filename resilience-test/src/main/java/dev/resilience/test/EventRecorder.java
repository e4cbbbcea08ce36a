package dev.resilience.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.resilience.core.PolicyRegistry;
import dev.resilience.core.bulkhead.Bulkhead;
import dev.resilience.core.chaos.Chaos;
import dev.resilience.core.circuitbreaker.CircuitBreaker;
import dev.resilience.core.event.EventListener;
import dev.resilience.core.event.EventPublisher;
import dev.resilience.core.event.ResilienceEvent;
import dev.resilience.core.fallback.Fallback;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.retry.Retry;
import dev.resilience.core.timeout.Timeout;

/**
 * Records every event of the policies it is given, in the order they were published, from any thread.
 *
 * <pre>{@code
 * @RegisterExtension
 * EventRecorder events = EventRecorder.of(breaker, retry);
 *
 * @Test
 * void opens() {
 *     ...
 *     assertThat(events).containsTransition(CLOSED, OPEN);
 * }
 * }</pre>
 *
 * <p>Sources: a {@link CircuitBreaker}, {@link Retry}, {@link Timeout}, {@link Bulkhead}, {@link RateLimiter},
 * {@link Chaos} or {@link Fallback}; a {@link ResiliencePipeline} (each of its policies); any registry (its
 * instances built so far and those built later); or an {@link EventPublisher}.
 *
 * <p>As a JUnit 5 extension ({@code @RegisterExtension}) it starts each test empty. On an instance field it
 * stops listening after the test; on a static field it keeps listening until the class is done. Used as a
 * plain object, {@link #close()} stops it.
 */
public final class EventRecorder implements EventListener, AutoCloseable, BeforeAllCallback, BeforeEachCallback,
        AfterEachCallback, AfterAllCallback {

    private final List<ResilienceEvent> events = new ArrayList<>();
    private final Set<EventPublisher> publishers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean perClass;

    /** An empty recorder listening to nothing yet: give it sources with {@link #record(Object...)}. */
    public EventRecorder() {
    }

    /** A recorder of {@code sources}' events (see the class comment for what a source can be). */
    public static EventRecorder of(Object... sources) {
        return new EventRecorder().record(sources);
    }

    /**
     * Records the events of {@code sources} from now on (see the class comment for what a source can be).
     *
     * @throws IllegalArgumentException for anything else
     */
    public EventRecorder record(Object... sources) {
        for (Object source : sources) {
            recordOne(Objects.requireNonNull(source, "source"));
        }
        return this;
    }

    private void recordOne(Object source) {
        if (closed) {
            throw new IllegalStateException("this event recorder is closed");
        }
        if (source instanceof PolicyRegistry<?, ?> registry) {
            // Listeners stay in the registry for its lifetime: once closed, this one does nothing.
            registry.onInstanceCreated(instance -> {
                if (!closed) {
                    recordOne(instance);
                }
            });
        } else if (source instanceof ResiliencePipeline pipeline) {
            for (Object policy : new Object[] { pipeline.fallback(), pipeline.retry(), pipeline.circuitBreaker(),
                    pipeline.rateLimiter(), pipeline.timeout(), pipeline.chaos(), pipeline.bulkhead(),
                    pipeline.hedge() }) {
                if (policy != null) {
                    recordOne(policy);
                }
            }
        } else {
            subscribe(publisherOf(source));
        }
    }

    private static EventPublisher publisherOf(Object source) {
        if (source instanceof EventPublisher publisher) {
            return publisher;
        } else if (source instanceof CircuitBreaker breaker) {
            return breaker.events();
        } else if (source instanceof Retry retry) {
            return retry.events();
        } else if (source instanceof Timeout timeout) {
            return timeout.events();
        } else if (source instanceof Bulkhead bulkhead) {
            return bulkhead.events();
        } else if (source instanceof RateLimiter limiter) {
            return limiter.events();
        } else if (source instanceof Chaos chaos) {
            return chaos.events();
        } else if (source instanceof Fallback<?> fallback) {
            return fallback.events();
        } else if (source instanceof dev.resilience.core.hedge.Hedge hedge) {
            return hedge.events();
        }
        throw new IllegalArgumentException("cannot record the events of " + source + " (" + source.getClass().getName()
                + "): give a policy, a pipeline, a registry or an EventPublisher");
    }

    private void subscribe(EventPublisher publisher) {
        if (publishers.add(publisher)) {
            publisher.onEvent(this);
        }
    }

    /** Called by the policies: records {@code event}. */
    @Override
    public void onEvent(ResilienceEvent event) {
        if (closed) {
            return;
        }
        synchronized (events) {
            events.add(event);
        }
    }

    /** The events recorded so far, oldest first. */
    public RecordedEvents recorded() {
        synchronized (events) {
            return RecordedEvents.of(events);
        }
    }

    /** Forgets the events recorded so far; keeps listening. */
    public void clear() {
        synchronized (events) {
            events.clear();
        }
    }

    /** Stops listening (unsubscribes from every policy) and keeps what was recorded. */
    @Override
    public void close() {
        closed = true;
        for (EventPublisher publisher : publishers) {
            publisher.unsubscribe(this);
        }
        publishers.clear();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true; // only a static field's extension is called before all tests
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public String toString() {
        return "EventRecorder[" + recorded().size() + " events]";
    }
}

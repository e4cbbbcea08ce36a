package dev.resilience.benchmarks;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.reactivestreams.Subscription;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.reactor.ResilienceOperator;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.github.resilience4j.reactor.retry.RetryOperator;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;

/**
 * Scenario 10: a Reactor {@code Mono} through retry, circuit breaker and bulkhead, outermost first, as each
 * library decorates a {@code Mono}: ours with {@code ResilienceOperator.mono}, Resilience4j with its Reactor
 * operators applied by {@code transformDeferred}, bulkhead first and retry last, which puts retry outermost
 * and bulkhead innermost (Resilience4j's own order, Retry(CircuitBreaker(Bulkhead(call))), and ours).
 * Failsafe has no Reactor integration.
 *
 * <p>The source is {@code Mono.fromSupplier} over the workload, so every attempt runs the same call as every
 * other scenario. Each decorated {@code Mono} is built once; the measured method subscribes to it once (one
 * execution) with the same reusable subscriber for all three methods, through {@code subscribe(CoreSubscriber)}
 * as the next operator of a chain would; the subscriber requests everything, keeps its subscription as a real
 * subscriber must, and takes the value.
 * Everything completes on the calling thread before {@code subscribe} returns (checked). {@link #direct()} is
 * the baseline: the undecorated source subscribed the same way.
 *
 * <p>Resilience4j's {@code RetryOperator} holds a retry context per application, so it must be applied per
 * subscription: {@code transformDeferred} (its documented use) does that, and its per-subscription assembly
 * is Resilience4j's cost. Ours decorates once; each subscription makes its own execution.
 *
 * <p>Set-up checks, once per fork, that one subscription is counted by each library's breaker and retry and
 * holds a bulkhead place while the source runs and none after, and that a source failing once is subscribed
 * again and its second value delivered (the retry really resubscribes; one 500 ms wait per library).
 */
@State(Scope.Benchmark)
public class ReactorComposed extends BenchmarkDefaults {

    /** A subscriber reused for every subscription: requests everything, keeps its subscription and the value. */
    static final class Taker implements CoreSubscriber<String> {

        Subscription subscription;
        String value;
        Throwable error;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String next) {
            value = next;
        }

        @Override
        public void onError(Throwable failure) {
            error = failure;
        }

        @Override
        public void onComplete() {
        }

        /**
         * Subscribes as a downstream Reactor operator subscribes to its source: {@code subscribe(CoreSubscriber)}.
         * (The public {@code Publisher.subscribe} entry adds Reactor's last-operator hook and its fusion and
         * optimisation type checks, ~40 ns on JDK 17, to every method alike.)
         */
        String take(Mono<String> mono) {
            mono.subscribe((CoreSubscriber<String>) this);
            String taken = value;
            value = null;
            return taken;
        }
    }

    /** Runs inside the source during the set-up checks; {@code null} while measuring. */
    private Runnable probe;

    private final Taker taker = new Taker();
    private Mono<String> source;
    private Mono<String> ours;
    private Mono<String> resilience4j;

    private dev.resilience.core.retry.Retry oursRetry;
    private dev.resilience.core.circuitbreaker.CircuitBreaker oursBreaker;
    private dev.resilience.core.bulkhead.Bulkhead oursBulkhead;
    private ResilienceOperator<String> oursOperator;
    private io.github.resilience4j.retry.Retry r4jRetry;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;
    private io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead;

    private String call() {
        Runnable p = probe;
        if (p != null) {
            p.run();
        }
        return Workload.call();
    }

    private Mono<String> oursOf(Mono<String> mono) {
        return oursOperator.mono(mono);
    }

    private Mono<String> resilience4jOf(Mono<String> mono) {
        return mono.transformDeferred(BulkheadOperator.of(r4jBulkhead))
                .transformDeferred(CircuitBreakerOperator.of(r4jBreaker))
                .transformDeferred(RetryOperator.of(r4jRetry));
    }

    @Setup(Level.Trial)
    public void setUp() {
        source = Mono.fromSupplier(this::call);

        oursRetry = Peers.oursRetry();
        oursBreaker = Peers.oursBreaker();
        oursBulkhead = Peers.oursBulkhead();
        oursOperator = ResilienceOperator.of(ResiliencePipeline.builder()
                .retry(oursRetry)
                .circuitBreaker(oursBreaker)
                .bulkhead(oursBulkhead)
                .description("Bench.call")
                .build());
        ours = oursOf(source);

        r4jRetry = Peers.r4jRetry();
        r4jBreaker = Peers.r4jBreaker();
        r4jBulkhead = Peers.r4jBulkhead();
        resilience4j = resilience4jOf(source);

        Checks.check(Workload.RESULT.equals(taker.take(source)), "the source did not deliver on subscribe");
        checkOne("ours", ours, oursBulkhead::availablePermits);
        Checks.check(oursBreaker.successfulCalls() == 1, "our breaker did not count the subscription");
        Checks.check(oursRetry.successfulWithoutRetry() == 1, "our retry did not count the subscription");
        checkOne("Resilience4j", resilience4j, () -> r4jBulkhead.getMetrics().getAvailableConcurrentCalls());
        Checks.check(r4jBreaker.getMetrics().getNumberOfSuccessfulCalls() == 1,
                "the Resilience4j breaker did not count the subscription");
        Checks.check(r4jRetry.getMetrics().getNumberOfSuccessfulCallsWithoutRetryAttempt() == 1,
                "the Resilience4j retry did not count the subscription");

        checkRetried("ours", this::oursOf);
        Checks.check(oursRetry.successfulWithRetry() == 1, "our retry did not count the retried subscription");
        Checks.check(oursBreaker.failedCalls() == 1, "our breaker did not count the failed attempt");
        checkRetried("Resilience4j", this::resilience4jOf);
        Checks.check(r4jRetry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() == 1,
                "the Resilience4j retry did not count the retried subscription");
        Checks.check(r4jBreaker.getMetrics().getNumberOfFailedCalls() == 1,
                "the Resilience4j breaker did not count the failed attempt");
    }

    /** One subscription delivers the value before {@code subscribe} returns, holding a bulkhead place meanwhile. */
    private void checkOne(String who, Mono<String> mono, IntSupplier freePlaces) {
        int free = freePlaces.getAsInt();
        AtomicInteger freeInside = new AtomicInteger(-1);
        probe = () -> freeInside.set(freePlaces.getAsInt());
        String value = taker.take(mono);
        probe = null;
        Checks.check(Workload.RESULT.equals(value), who + " did not deliver the value on subscribe (" + value
                + ", error " + taker.error + ")");
        Checks.check(freeInside.get() == free - 1, who + "'s bulkhead did not hold a place during the call ("
                + freeInside.get() + " of " + free + " free inside)");
        Checks.check(freePlaces.getAsInt() == free, who + "'s bulkhead did not give the place back");
    }

    /** A source failing on its first subscription is subscribed again and its second value delivered. */
    private void checkRetried(String who, java.util.function.UnaryOperator<Mono<String>> decorate) {
        AtomicInteger subscriptions = new AtomicInteger();
        Mono<String> failingOnce = Mono.fromSupplier(() -> {
            if (subscriptions.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return Workload.call();
        });
        String value = decorate.apply(failingOnce).block(Duration.ofSeconds(10));
        Checks.check(Workload.RESULT.equals(value) && subscriptions.get() == 2,
                who + " did not retry: " + value + " after " + subscriptions.get() + " subscription(s)");
    }

    @Benchmark
    public String direct() {
        return taker.take(source);
    }

    @Benchmark
    public String ours() {
        return taker.take(ours);
    }

    @Benchmark
    public String resilience4j() {
        return taker.take(resilience4j);
    }
}

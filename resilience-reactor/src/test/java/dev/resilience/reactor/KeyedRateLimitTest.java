package dev.resilience.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimiterConfig;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** A rate limiter takes one permit per subscription, from the bucket of the operator's key for that source. */
class KeyedRateLimitTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ManualClock clock = new ManualClock();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final RateLimiter limiter = RateLimiter.of("limiter", RateLimiterConfig.builder().limitForPeriod(2)
            .limitRefreshPeriod(Duration.ofSeconds(1)).build(), clock);
    private final ResilienceOperator<String> operator = ResilienceOperator.of(ResiliencePipeline.builder()
            .asyncExecutor(Runnable::run).clock(clock).rateLimiter(limiter).build());

    private Mono<String> source() {
        return Mono.fromSupplier(() -> "ok " + subscriptions.incrementAndGet());
    }

    @Test
    void eachKeyOfAMonoHasItsOwnLimit() {
        Mono<String> tenantA = operator.mono(source(), null, "tenant-a");
        Mono<String> tenantB = operator.mono(source(), null, "tenant-b");

        StepVerifier.create(tenantA).expectNextCount(1).verifyComplete();
        StepVerifier.create(tenantA).expectNextCount(1).verifyComplete();
        StepVerifier.create(tenantA).expectError(RateLimitExceededException.class).verify(VERIFY);

        StepVerifier.create(tenantB).expectNextCount(1).verifyComplete();
        StepVerifier.create(tenantB).expectNextCount(1).verifyComplete();
        StepVerifier.create(tenantB).expectError(RateLimitExceededException.class).verify(VERIFY);

        assertThat(subscriptions).as("rejected subscriptions never reach the source").hasValue(4);
        assertThat(limiter.keys()).isEqualTo(2);
        assertThat(limiter.availablePermits()).as("the shared bucket is untouched").isEqualTo(2);
        assertThat(limiter.permittedCalls()).isEqualTo(4);
        assertThat(limiter.rejectedCalls()).isEqualTo(2);
    }

    @Test
    void aFluxTakesItsPermitFromItsKeysBucketAndANullKeyFromTheSharedOne() {
        Flux<String> keyed = operator.flux(Flux.just("a", "b"), null, "tenant-a");
        StepVerifier.create(keyed).expectNext("a", "b").verifyComplete();
        StepVerifier.create(keyed).expectNext("a", "b").verifyComplete();
        StepVerifier.create(keyed).expectError(RateLimitExceededException.class).verify(VERIFY);
        assertThat(limiter.availablePermits()).isEqualTo(2);

        Flux<String> shared = operator.flux(Flux.just("c"), null, null);
        StepVerifier.create(shared).expectNext("c").verifyComplete();
        assertThat(limiter.availablePermits()).isEqualTo(1);
        assertThat(limiter.keys()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        StepVerifier.create(keyed).expectNext("a", "b").verifyComplete();
    }

    @Test
    void withoutAKeyEverySubscriptionSharesOneBucket() {
        StepVerifier.create(operator.mono(source())).expectNextCount(1).verifyComplete();
        StepVerifier.create(operator.mono(source(), null)).expectNextCount(1).verifyComplete();
        StepVerifier.create(operator.mono(source())).expectError(RateLimitExceededException.class).verify(VERIFY);
        assertThat(limiter.keys()).isZero();
    }

    @Test
    void aWaitForAKeysPermitIsScheduledOnTheClock() {
        RateLimiter waiting = RateLimiter.of("waiting", RateLimiterConfig.builder().limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofSeconds(1)).maxWaitDuration(Duration.ofSeconds(2)).build(), clock);
        ResilienceOperator<String> patient = ResilienceOperator.of(ResiliencePipeline.builder()
                .asyncExecutor(Runnable::run).clock(clock).rateLimiter(waiting).build());

        StepVerifier.create(patient.mono(source(), null, "k")).expectNext("ok 1").verifyComplete();
        StepVerifier.create(patient.mono(source(), null, "k"))
                .then(() -> {
                    assertThat(waiting.waitingCalls()).isEqualTo(1);
                    assertThat(subscriptions).hasValue(1);
                    clock.advance(Duration.ofSeconds(1));
                })
                .expectNext("ok 2").verifyComplete();
        assertThat(clock.slept()).as("no thread slept").isZero();
        assertThat(waiting.waitingCalls()).isZero();
    }
}

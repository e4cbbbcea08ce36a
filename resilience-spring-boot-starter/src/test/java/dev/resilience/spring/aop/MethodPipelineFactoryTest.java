package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.resilience.annotation.Bulkhead;
import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.RateLimiter;
import dev.resilience.annotation.Retry;
import dev.resilience.annotation.Timeout;
import dev.resilience.core.spi.Clock;
import dev.resilience.core.spi.ContextPropagation;
import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.bulkhead.BulkheadRegistry;
import dev.resilience.core.chaos.ChaosRegistry;
import dev.resilience.core.circuitbreaker.CircuitBreakerRegistry;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.core.retry.RetryRegistry;
import dev.resilience.core.timeout.TimeoutRegistry;
import dev.resilience.spring.chaos.ChaosTargets;

/** What {@link MethodPipelineFactory} resolves for one annotated method, without a Spring context. */
class MethodPipelineFactoryTest {

    private final CircuitBreakerRegistry breakers = new CircuitBreakerRegistry();
    private final RetryRegistry retries = new RetryRegistry();
    private final TimeoutRegistry timeouts = new TimeoutRegistry();
    private final BulkheadRegistry bulkheads = new BulkheadRegistry();
    private final RateLimiterRegistry rateLimiters = new RateLimiterRegistry();
    private final MethodPipelineFactory factory = new MethodPipelineFactory(breakers, retries, rateLimiters, timeouts,
            bulkheads, Clock.system(), ContextPropagation.NONE, null);
    private final ChaosRegistry chaos = new ChaosRegistry(Clock.system());

    @Test
    void methodWithoutAnnotationsHasNoPipeline() throws Exception {
        assertThat(factory.create(method("plain"), Annotated.class)).isNull();
    }

    @Test
    void everyAnnotationAddsItsNamedInstanceFromTheRegistry() throws Exception {
        ResiliencePipeline pipeline = factory.create(method("everything"), Annotated.class).pipeline();
        assertThat(pipeline.retry()).isSameAs(retries.instance("r"));
        assertThat(pipeline.circuitBreaker()).isSameAs(breakers.instance("cb"));
        assertThat(pipeline.rateLimiter()).isSameAs(rateLimiters.instance("rl"));
        assertThat(pipeline.timeout()).isSameAs(timeouts.instance("t"));
        assertThat(pipeline.bulkhead()).isSameAs(bulkheads.instance("b"));
        assertThat(pipeline.fallback()).isNotNull();
        assertThat(pipeline.description()).isEqualTo("Annotated.everything");
    }

    @Test
    void annotationsWithoutNameShareTheMethodsDefaultName() throws Exception {
        factory.create(method("unnamed"), Annotated.class);
        assertThat(retries.names()).containsExactly("Annotated.unnamed");
        assertThat(breakers.names()).containsExactly("Annotated.unnamed");
        assertThat(rateLimiters.names()).containsExactly("Annotated.unnamed");
    }

    @Test
    void theRateLimiterTakesItsPlaceBetweenBreakerAndTimeout() throws Exception {
        assertThat(factory.create(method("everything"), Annotated.class).pipeline().toString())
                .contains("CircuitBreaker[cb", "RateLimiter[rl] > Timeout[t");
    }

    @Test
    void aFactoryWithoutARateLimiterRegistryKeepsItsRateLimitersInOneOfItsOwn() throws Exception {
        MethodPipelineFactory withoutRegistry = new MethodPipelineFactory(breakers, retries, timeouts, bulkheads,
                Clock.system(), ContextPropagation.NONE);
        ResiliencePipeline pipeline = withoutRegistry.create(method("everything"), Annotated.class).pipeline();
        assertThat(pipeline.rateLimiter().name()).isEqualTo("rl");
        assertThat(pipeline.rateLimiter().config().limitForPeriod()).isEqualTo(50);
        assertThat(rateLimiters.names()).isEmpty();
    }

    @Test
    void aKeyedMethodIsNotOnThePlainPath() throws Exception {
        assertThat(factory.create(method("keyed"), Annotated.class)).extracting("plain").isEqualTo(false);
        assertThat(factory.create(method("unnamed"), Annotated.class)).extracting("plain").isEqualTo(true);
        assertThat(factory.create(method("everything"), Annotated.class)).extracting("key").isNull();
    }

    @Test
    void fallbackHandlesOnlyFailuresSomeOverloadAccepts() throws Exception {
        dev.resilience.core.fallback.Fallback<?> fallback = factory.create(method("typedOnly"), Annotated.class)
                .pipeline().fallback();
        assertThat(fallback.handles(new IOException())).isTrue();
        assertThat(fallback.handles(new FileNotFoundException())).isTrue();
        assertThat(fallback.handles(new UncheckedIOException(new IOException()))).isTrue();
        assertThat(fallback.handles(new IllegalStateException())).as("no overload takes it: not handled")
                .isFalse();
    }

    @Test
    void fallbackHandlesWhatApplyOnAndTheOverloadsHaveInCommon() throws Exception {
        dev.resilience.core.fallback.Fallback<?> fallback = factory.create(method("narrowedByApplyOn"),
                Annotated.class).pipeline().fallback();
        assertThat(fallback.handles(new FileNotFoundException())).isTrue();
        assertThat(fallback.handles(new IOException())).as("applyOn is narrower than the overload").isFalse();
        assertThat(fallback.handles(new UncheckedIOException(new IOException()))).isFalse();
    }

    @Test
    void fallbackWithACatchAllOverloadHandlesEverythingApplyOnAllows() throws Exception {
        dev.resilience.core.fallback.Fallback<?> fallback = factory.create(method("catchAll"), Annotated.class)
                .pipeline().fallback();
        assertThat(fallback.handles(new IllegalStateException())).isTrue();
        assertThat(fallback.handles(new IllegalArgumentException())).as("skipOn").isFalse();
    }

    @Test
    void fallbackNoOverloadOfWhichCanHandleAnyFailureApplyOnAllowsStopsStartUp() throws Exception {
        assertThatThrownBy(() -> factory.create(method("unreachable"), Annotated.class))
                .isInstanceOf(InvalidFallbackException.class)
                .hasMessage("@Fallback(method = \"recoverIo\") on " + Annotated.class.getName() + ".unreachable() "
                        + "cannot be used: no overload accepts a failure it applies on (IllegalStateException): "
                        + "recoverIo(IOException), recoverIo(UncheckedIOException). Expected a method of the same "
                        + "class (it may be private) declared as String recoverIo() or "
                        + "String recoverIo(<a Throwable type>).");
    }

    @Test
    void methodReturningACompletionStageIsAsynchronous() throws Exception {
        assertThat(factory.create(method("async"), Annotated.class)).extracting("async").isEqualTo(true);
        assertThat(factory.create(method("everything"), Annotated.class)).extracting("async").isEqualTo(false);
    }

    private MethodPipelineFactory withChaosFor(String... names) {
        return new MethodPipelineFactory(breakers, retries, rateLimiters, timeouts, bulkheads, Clock.system(),
                ContextPropagation.NONE, null, ChaosTargets.of(chaos, List.of(names)));
    }

    @Test
    void withoutChaosTargetsNoPipelineHasAChaosStage() throws Exception {
        assertThat(factory.create(method("everything"), Annotated.class).pipeline().chaos()).isNull();
        assertThat(factory.chaos().isEmpty()).isTrue();
    }

    @Test
    void aMethodGetsTheChaosInstanceOfItsDefaultNameFirst() throws Exception {
        ResiliencePipeline pipeline = withChaosFor("cb", "Annotated.everything").create(method("everything"),
                Annotated.class).pipeline();
        assertThat(pipeline.chaos()).isSameAs(chaos.instance("Annotated.everything"));
        assertThat(pipeline.toString()).contains("Bulkhead[b", "Chaos[Annotated.everything] > call");
    }

    @Test
    void elseTheInstanceOfItsOutermostPolicyWithOne() throws Exception {
        assertThat(withChaosFor("t", "cb", "b").create(method("everything"), Annotated.class).pipeline().chaos())
                .isSameAs(chaos.instance("cb"));
        assertThat(withChaosFor("b", "rl").create(method("everything"), Annotated.class).pipeline().chaos())
                .isSameAs(chaos.instance("rl"));
    }

    @Test
    void unnamedAnnotationsOfferTheDefaultName() throws Exception {
        assertThat(withChaosFor("Annotated.unnamed").create(method("unnamed"), Annotated.class).pipeline().chaos()
                .name()).isEqualTo("Annotated.unnamed");
    }

    @Test
    void aFallbackOnlyMethodOffersItsDefaultName() throws Exception {
        assertThat(withChaosFor("Annotated.typedOnly").create(method("typedOnly"), Annotated.class).pipeline()
                .chaos().name()).isEqualTo("Annotated.typedOnly");
    }

    @Test
    void aMethodNoneOfWhoseNamesHasAnInstanceHasNoChaosStage() throws Exception {
        assertThat(withChaosFor("elsewhere").create(method("everything"), Annotated.class).pipeline().chaos())
                .isNull();
    }

    private static Method method(String name) throws NoSuchMethodException {
        return Annotated.class.getMethod(name);
    }

    static class Annotated {

        public String plain() {
            return "";
        }

        @Fallback(method = "recoverIo")
        @Retry(name = "r")
        @CircuitBreaker(name = "cb")
        @RateLimiter(name = "rl")
        @Timeout(name = "t")
        @Bulkhead(name = "b")
        public String everything() {
            return "";
        }

        @RateLimiter(name = "keyed", key = "#root.length")
        public String keyed() {
            return "";
        }

        @Retry
        @CircuitBreaker
        @RateLimiter
        public String unnamed() {
            return "";
        }

        @Fallback(method = "recoverIo")
        public String typedOnly() {
            return "";
        }

        @Fallback(method = "recoverIo", applyOn = FileNotFoundException.class)
        public String narrowedByApplyOn() {
            return "";
        }

        @Fallback(method = "recoverAnything", skipOn = IllegalArgumentException.class)
        public String catchAll() {
            return "";
        }

        @Fallback(method = "recoverIo", applyOn = IllegalStateException.class)
        public String unreachable() {
            return "";
        }

        @Retry
        public CompletionStage<String> async() {
            return CompletableFuture.completedFuture("");
        }

        String recoverIo(IOException failure) {
            return "";
        }

        String recoverIo(UncheckedIOException failure) {
            return "";
        }

        String recoverAnything() {
            return "";
        }
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.RateLimiter;
import dev.resilience.core.ratelimiter.RateLimitExceededException;
import dev.resilience.core.ratelimiter.RateLimiterRegistry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.test.ManualClock;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@code @RateLimiter(key = ...)}: a SpEL expression over the arguments gives each call its key, and each key its
 * own limit; the expression is checked when the bean is created.
 */
class RateLimitKeyTest {

    private static final Duration VERIFY = Duration.ofSeconds(5);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withBean(ManualClock.class, ManualClock::new)
            .withPropertyValues("resilience.ratelimiter.configs.default.limit-for-period=2",
                    "resilience.ratelimiter.configs.default.limit-refresh-period=10s",
                    "resilience.ratelimiter.instances.many.limit-for-period=100");

    @Test
    void twoTenantsEachGetTheirOwnLimit() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            dev.resilience.core.ratelimiter.RateLimiter limiter = limiter(context, "by-name");

            assertThat(tenants.byName("acme", 1)).isEqualTo("acme 1");
            assertThat(tenants.byName("acme", 2)).isEqualTo("acme 2");
            assertThatThrownBy(() -> tenants.byName("acme", 3)).isInstanceOf(RateLimitExceededException.class);

            assertThat(tenants.byName("globex", 1)).as("another tenant's calls are not acme's").isEqualTo("globex 1");
            assertThat(tenants.byName("globex", 2)).isEqualTo("globex 2");
            assertThatThrownBy(() -> tenants.byName("globex", 3)).isInstanceOf(RateLimitExceededException.class);

            assertThat(tenants.calls("byName")).isEqualTo(4);
            assertThat(limiter.keys()).isEqualTo(2);
            assertThat(limiter.availablePermits()).as("the shared bucket is untouched").isEqualTo(2);
            assertThat(limiter.permittedCalls()).isEqualTo(4);
            assertThat(limiter.rejectedCalls()).isEqualTo(2);

            context.getBean(ManualClock.class).advance(Duration.ofSeconds(5));
            assertThat(tenants.byName("acme", 4)).as("one permit refilled after half the period").isEqualTo("acme 4");
        });
    }

    @Test
    void argumentsCanBeNamedByPositionAndNavigated() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            tenants.byPosition(1, "a");
            tenants.byPosition(2, "a");
            assertThatThrownBy(() -> tenants.byPosition(3, "a")).isInstanceOf(RateLimitExceededException.class);
            tenants.byPosition(4, "b");
            tenants.byAlias("a", 0);
            tenants.byAlias("a", 0);
            assertThatThrownBy(() -> tenants.byAlias("a", 0)).isInstanceOf(RateLimitExceededException.class);

            tenants.byRequest(new Request("acme", "/x"));
            tenants.byRequest(new Request("acme", "/y"));
            assertThatThrownBy(() -> tenants.byRequest(new Request("acme", "/z")))
                    .isInstanceOf(RateLimitExceededException.class);
            tenants.byRequest(new Request("globex", "/x"));
            assertThat(limiter(context, "by-request").keys()).isEqualTo(2);
        });
    }

    @Test
    void aNullKeyTakesFromTheSharedBucket() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            tenants.byName(null, 1);
            tenants.byName(null, 2);
            assertThatThrownBy(() -> tenants.byName(null, 3)).isInstanceOf(RateLimitExceededException.class);
            assertThat(limiter(context, "by-name").keys()).isZero();
            assertThat(limiter(context, "by-name").availablePermits()).isZero();
        });
    }

    @Test
    void theKeyStaysRightOnceSpelHasCompiledTheExpression() {
        // SpEL's mixed mode compiles an expression after 100 interpreted evaluations.
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            int permitted = 0;
            int rejected = 0;
            for (int round = 0; round < 120; round++) {
                for (String tenant : new String[] { "a", "b", "c" }) {
                    try {
                        tenants.many(tenant);
                        permitted++;
                    } catch (RateLimitExceededException expected) {
                        rejected++;
                    }
                }
            }
            assertThat(permitted).isEqualTo(300);
            assertThat(rejected).isEqualTo(60);
            assertThat(limiter(context, "many").keys()).isEqualTo(3);
        });
    }

    @Test
    void anAsynchronousMethodsCallCarriesItsKey() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            assertThat(tenants.async("a")).isCompletedWithValue("async a");
            assertThat(tenants.async("a")).isCompletedWithValue("async a");
            CompletableFuture<String> rejected = tenants.async("a");
            assertThatThrownBy(rejected::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RateLimitExceededException.class);
            assertThat(tenants.async("b")).isCompletedWithValue("async b");
            assertThat(limiter(context, "async").keys()).isEqualTo(2);
        });
    }

    @Test
    void reactiveMethodsSubscriptionsCarryTheirCallsKey() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            Mono<String> acme = tenants.mono("acme");
            StepVerifier.create(acme).expectNext("mono acme").verifyComplete();
            StepVerifier.create(acme).expectNext("mono acme").verifyComplete();
            StepVerifier.create(acme).expectError(RateLimitExceededException.class).verify(VERIFY);
            StepVerifier.create(tenants.mono("globex")).expectNext("mono globex").verifyComplete();

            Flux<String> flux = tenants.flux("acme");
            StepVerifier.create(flux).expectNext("flux", "acme").verifyComplete();
            StepVerifier.create(flux).expectNext("flux", "acme").verifyComplete();
            StepVerifier.create(flux).expectError(RateLimitExceededException.class).verify(VERIFY);
            assertThat(limiter(context, "mono").keys()).isEqualTo(2);
            assertThat(limiter(context, "flux").keys()).isEqualTo(1);
        });
    }

    @Test
    void aKeyThatFailsToEvaluateFailsTheCallBeforeAnyPolicy() {
        runner.withBean(Tenants.class).run(context -> {
            Tenants tenants = context.getBean(Tenants.class);
            assertThatThrownBy(() -> tenants.byRequest(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("@RateLimiter(key = \"#request.tenant()\") of "
                            + Tenants.class.getName() + ".byRequest(Request) could not be evaluated for this call: ");
            assertThat(tenants.calls("byRequest")).isZero();
            assertThat(limiter(context, "by-request").permittedCalls()).isZero();

            CompletableFuture<String> failed = tenants.asyncByLength(null);
            assertThatThrownBy(failed::get).hasCauseInstanceOf(IllegalArgumentException.class);
            StepVerifier.create(tenants.monoByLength(null)).expectError(IllegalArgumentException.class).verify(VERIFY);
            assertThat(limiter(context, "mono-by-length").permittedCalls()).isZero();
        });
    }

    @Test
    void aClassLevelKeyedLimiterAppliesToEachPublicMethod() {
        runner.withBean(ClassLimited.class).run(context -> {
            ClassLimited bean = context.getBean(ClassLimited.class);
            bean.first("a");
            bean.second("a");
            assertThatThrownBy(() -> bean.first("a")).as("both methods share the instance and its key's bucket")
                    .isInstanceOf(RateLimitExceededException.class);
            bean.first("b");
        });
    }

    @Test
    void invalidSpelStopsStartUpNamingTheMethodAndTheExpression() {
        runner.withBean(InvalidSyntax.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidRateLimitKeyException.class)
                    .hasMessageStartingWith("@RateLimiter(key = \"#tenantId +\") on " + InvalidSyntax.class.getName()
                            + ".call(String) is not a valid SpEL expression: ");
        });
    }

    @Test
    void aKeyNamingNoParameterStopsStartUpListingTheParameters() {
        runner.withBean(UnknownParameter.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidRateLimitKeyException.class)
                    .hasMessage("@RateLimiter(key = \"#tenant.toUpperCase()\") on "
                            + UnknownParameter.class.getName() + ".call(String, int) names #tenant, which is no "
                            + "parameter of the method; name an argument as #tenantId, #limit, #p0..#p1 (#a0..#a1)");
            FailureAnalysis analysis = new InvalidRateLimitKeyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).isEqualTo(context.getStartupFailure().getCause().getMessage());
            assertThat(analysis.getAction()).startsWith("Correct the key of @RateLimiter on "
                    + UnknownParameter.class.getName() + ".call(String, int): a SpEL expression over the method's "
                    + "arguments");
        });
    }

    @Test
    void aPositionBeyondTheParametersStopsStartUp() {
        runner.withBean(PositionBeyond.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidRateLimitKeyException.class)
                    .hasMessage("@RateLimiter(key = \"#p1\") on " + PositionBeyond.class.getName() + ".call(String) "
                            + "names #p1, which is no parameter of the method; name an argument as #tenantId, "
                            + "#p0 (#a0)");
        });
    }

    @Test
    void aKeyCallingAFunctionStopsStartUp() {
        runner.withBean(CallsFunction.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidRateLimitKeyException.class)
                    .hasMessageContaining("calls #hash(#tenantId), but a key expression has no functions");
        });
    }

    @Test
    void failureAnalyzerIsRegistered() throws Exception {
        String factories;
        try (var in = getClass().getResourceAsStream("/META-INF/spring.factories")) {
            factories = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(factories).contains(InvalidRateLimitKeyFailureAnalyzer.class.getName());
    }

    private static dev.resilience.core.ratelimiter.RateLimiter limiter(
            org.springframework.context.ApplicationContext context, String name) {
        return context.getBean(RateLimiterRegistry.class).instance(name);
    }

    record Request(String tenant, String path) {
    }

    static class Tenants {
        private final CallCounter counter = new CallCounter();

        public int calls(String method) {
            return counter.get(method);
        }

        @RateLimiter(name = "by-name", key = "#tenantId")
        public String byName(String tenantId, int call) {
            counter.increment("byName");
            return tenantId + " " + call;
        }

        @RateLimiter(name = "by-position", key = "#p1")
        public String byPosition(int call, String tenantId) {
            return tenantId + " " + call;
        }

        @RateLimiter(name = "by-alias", key = "#a0 + '/' + #a1")
        public String byAlias(String tenantId, int region) {
            return tenantId;
        }

        @RateLimiter(name = "by-request", key = "#request.tenant()")
        public String byRequest(Request request) {
            counter.increment("byRequest");
            return request.path();
        }

        @RateLimiter(name = "many", key = "#tenantId")
        public String many(String tenantId) {
            return tenantId;
        }

        @RateLimiter(name = "async", key = "#tenantId")
        public CompletableFuture<String> async(String tenantId) {
            return CompletableFuture.completedFuture("async " + tenantId);
        }

        @RateLimiter(name = "async-by-length", key = "#tenantId.length()")
        public CompletableFuture<String> asyncByLength(String tenantId) {
            return CompletableFuture.completedFuture("async " + tenantId);
        }

        @RateLimiter(name = "mono", key = "#tenantId")
        public Mono<String> mono(String tenantId) {
            return Mono.fromSupplier(() -> "mono " + tenantId);
        }

        @RateLimiter(name = "mono-by-length", key = "#tenantId.length()")
        public Mono<String> monoByLength(String tenantId) {
            return Mono.just("mono");
        }

        @RateLimiter(name = "flux", key = "#tenantId")
        public Flux<String> flux(String tenantId) {
            return Flux.just("flux", tenantId);
        }
    }

    @RateLimiter(name = "class-level", key = "#p0")
    static class ClassLimited {
        public String first(String tenant) {
            return "first";
        }

        public String second(String tenant) {
            return "second";
        }
    }

    static class InvalidSyntax {
        @RateLimiter(key = "#tenantId +")
        public String call(String tenantId) {
            return tenantId;
        }
    }

    static class UnknownParameter {
        @RateLimiter(key = "#tenant.toUpperCase()")
        public String call(String tenantId, int limit) {
            return tenantId;
        }
    }

    static class PositionBeyond {
        @RateLimiter(key = "#p1")
        public String call(String tenantId) {
            return tenantId;
        }
    }

    static class CallsFunction {
        @RateLimiter(key = "#hash(#tenantId)")
        public String call(String tenantId) {
            return tenantId;
        }
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.expression.spel.standard.SpelExpression;

/** A key expression on its own: what it reads, that SpEL compiles it, and that calls on many threads agree. */
class RateLimitKeyExpressionTest {

    record Request(String tenant, int priority) {
    }

    static class Target {
        public String call(Request request, String region) {
            return region;
        }
    }

    private static RateLimitKeyExpression parse(String key) throws Exception {
        Method method = Target.class.getMethod("call", Request.class, String.class);
        return RateLimitKeyExpression.parse(key, method, Target.class);
    }

    @Test
    void readsArgumentsByNameAndPositionAndTheRootIsTheArguments() throws Exception {
        Object[] arguments = { new Request("acme", 2), "eu" };
        assertThat(parse("#request.tenant").evaluate(arguments)).isEqualTo("acme");
        assertThat(parse("#p0.priority() + ':' + #a1").evaluate(arguments)).isEqualTo("2:eu");
        assertThat(parse("#region?.toUpperCase()").evaluate(new Object[] { null, null })).isNull();
        assertThat(parse("#root.length").evaluate(arguments)).isEqualTo(2);
        assertThat(parse("T(java.util.Objects).hash(#request.tenant, #region)").evaluate(arguments))
                .isEqualTo(java.util.Objects.hash("acme", "eu"));
    }

    @Test
    void aKeyCannotAssignVariables() throws Exception {
        RateLimitKeyExpression assigning = parse("#region = 'x'");
        assertThatThrownBy(() -> assigning.evaluate(new Object[] { null, "eu" }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("could not be evaluated");
    }

    @Test
    void spelCompilesAKeyReadOnEveryCallAndItStaysRight() throws Exception {
        // Compiled code reaches public types only: the JDK's here (a package-private record stays interpreted).
        RateLimitKeyExpression key = parse("#region.toUpperCase() + '/' + #a1");
        for (int i = 0; i < 150; i++) {
            String region = "r" + i;
            assertThat(key.evaluate(new Object[] { null, region })).isEqualTo("R" + i + "/" + region);
        }
        assertThat(compiled(key)).as("compiled after SpEL's threshold of interpreted evaluations").isTrue();
    }

    @Test
    void callsOnManyThreadsEachSeeTheirOwnArguments() throws Exception {
        RateLimitKeyExpression key = parse("#region.toString()");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 8; t++) {
                String tenant = "tenant-" + t;
                pool.execute(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 2_000; i++) {
                            Object value = key.evaluate(new Object[] { null, tenant });
                            if (!tenant.equals(value)) {
                                wrong.add(tenant + " got " + value);
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(List.copyOf(wrong)).isEmpty();
        assertThat(compiled(key)).isTrue();
    }

    private static boolean compiled(RateLimitKeyExpression key) throws Exception {
        Field expression = RateLimitKeyExpression.class.getDeclaredField("expression");
        expression.setAccessible(true);
        Field compiledAst = SpelExpression.class.getDeclaredField("compiledAst");
        compiledAst.setAccessible(true);
        return compiledAst.get(expression.get(key)) != null;
    }
}

package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Fallback;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/** How a valid {@code @Fallback} method is chosen and called, and what reaches the caller when none applies. */
@SpringBootTest(classes = FallbackMethodTest.Config.class,
        properties = "resilience.retry.configs.default.wait-duration=0ms")
class FallbackMethodTest {

    @Autowired
    Recovering bean;

    @Test
    void overloadWithTheMostSpecificExceptionParameterIsChosen() throws Exception {
        assertThat(bean.overloaded("file-not-found")).isEqualTo("FileNotFoundException overload: missing.txt");
        assertThat(bean.overloaded("io")).isEqualTo("IOException overload: io failed");
        assertThat(bean.overloaded("state")).isEqualTo("RuntimeException overload: state failed");
    }

    @Test
    void overloadWithoutExceptionParameterCatchesWhatNoTypedOverloadMatches() throws Exception {
        assertThat(bean.overloaded("checked")).isEqualTo("catch-all overload for checked");
        assertThat(bean.overloaded("error")).isEqualTo("catch-all overload for error");
    }

    @Test
    void failureNoOverloadAcceptsReachesTheCallerUnchanged() throws Exception {
        Throwable thrown = catchThrowable(() -> bean.onlyIoFallback("state"));
        assertThat(thrown).isSameAs(bean.lastThrown());
        assertThat(bean.onlyIoFallback("io")).isEqualTo("io fallback");
    }

    @Test
    void privateAndStaticFallbacksAndOnesDeclaredInASuperclassAreFound() {
        assertThat(bean.withStaticFallback()).isEqualTo("static fallback");
        assertThat(bean.withInheritedFallback()).isEqualTo("private fallback of the superclass");
    }

    @Test
    void fallbackReceivesTheCallsArguments() {
        assertThat(bean.withArguments("a", 2, List.of("x"))).isEqualTo("a/2/[x]/IllegalStateException");
    }

    @Test
    void applyOnLimitsTheFailuresTheFallbackHandles() throws Exception {
        assertThat(bean.applyOnIo("io")).isEqualTo("handled IOException");
        Throwable thrown = catchThrowable(() -> bean.applyOnIo("state"));
        assertThat(thrown).isSameAs(bean.lastThrown());
    }

    @Test
    void skipOnWinsOverApplyOnAndCoversSubclasses() throws Exception {
        assertThat(bean.skipOnIllegalArgument("state")).isEqualTo("handled IllegalStateException");
        Throwable thrown = catchThrowable(() -> bean.skipOnIllegalArgument("illegal-argument"));
        assertThat(thrown).isSameAs(bean.lastThrown()).isInstanceOf(IllegalArgumentException.class);
        Throwable subclass = catchThrowable(() -> bean.skipOnIllegalArgument("number-format"));
        assertThat(subclass).isSameAs(bean.lastThrown()).isInstanceOf(NumberFormatException.class);
    }

    @Test
    void exceptionTheFallbackThrowsReachesTheCaller() {
        Throwable thrown = catchThrowable(bean::fallbackThrows);
        assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("the fallback failed too");
    }

    @Test
    void checkedExceptionTheFallbackThrowsReachesTheCallerUnwrapped() {
        Throwable thrown = catchThrowable(bean::fallbackThrowsChecked);
        assertThat(thrown).isExactlyInstanceOf(TimeoutException.class).hasMessage("the fallback timed out");
    }

    @Test
    void checkedExceptionPassesThroughUnchangedWithoutFallback() {
        Throwable retried = catchThrowable(bean::retriedCheckedFailure);
        assertThat(retried).isSameAs(bean.lastThrown()).isExactlyInstanceOf(IOException.class);
        Throwable guarded = catchThrowable(bean::guardedCheckedFailure);
        assertThat(guarded).isSameAs(bean.lastThrown()).isExactlyInstanceOf(TimeoutException.class);
    }

    @Test
    void primitiveAndVoidMethodsCanFallBack() {
        assertThat(bean.primitive()).isEqualTo(-1);
        bean.voidMethod();
        assertThat(bean.voidFallbackCalls()).isEqualTo(1);
    }

    @Test
    void fallbackMayReturnASubtype() {
        assertThat(bean.narrowerReturnType()).isEqualTo("a String for a CharSequence");
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(ResilienceAutoConfiguration.class)
    static class Config {
        @Bean
        Recovering recovering() {
            return new Recovering();
        }
    }

    abstract static class RecoveringBase {
        @SuppressWarnings("unused")
        private String inheritedFallback() {
            return "private fallback of the superclass";
        }
    }

    static class Recovering extends RecoveringBase {
        private volatile Throwable lastThrown;
        private final CallCounter counter = new CallCounter();

        public Throwable lastThrown() {
            return lastThrown;
        }

        public int voidFallbackCalls() {
            return counter.get("voidFallback");
        }

        private <T extends Throwable> T thrown(T failure) {
            lastThrown = failure;
            return failure;
        }

        private Exception failure(String kind) {
            return switch (kind) {
                case "file-not-found" -> new FileNotFoundException("missing.txt");
                case "io" -> new IOException("io failed");
                case "state" -> new IllegalStateException("state failed");
                case "illegal-argument" -> new IllegalArgumentException("illegal argument");
                case "number-format" -> new NumberFormatException("not a number");
                case "checked" -> new TimeoutException("timed out");
                default -> throw new IllegalArgumentException(kind);
            };
        }

        @Fallback(method = "recover")
        public String overloaded(String kind) throws Exception {
            if (kind.equals("error")) {
                throw thrown(new AssertionError("error"));
            }
            throw thrown(failure(kind));
        }

        private String recover(String kind, IOException failure) {
            return "IOException overload: " + failure.getMessage();
        }

        private String recover(String kind, RuntimeException failure) {
            return "RuntimeException overload: " + failure.getMessage();
        }

        private String recover(String kind) {
            return "catch-all overload for " + kind;
        }

        private String recover(String kind, FileNotFoundException failure) {
            return "FileNotFoundException overload: " + failure.getMessage();
        }

        @Fallback(method = "recoverIo")
        public String onlyIoFallback(String kind) throws Exception {
            throw thrown(failure(kind));
        }

        private String recoverIo(String kind, IOException failure) {
            return "io fallback";
        }

        @Fallback(method = "staticFallback")
        public String withStaticFallback() {
            throw new IllegalStateException("failed");
        }

        private static String staticFallback() {
            return "static fallback";
        }

        @Fallback(method = "inheritedFallback")
        public String withInheritedFallback() {
            throw new IllegalStateException("failed");
        }

        @Fallback(method = "argumentsFallback")
        public String withArguments(String text, int number, List<String> list) {
            throw new IllegalStateException("failed");
        }

        private String argumentsFallback(String text, int number, List<String> list, Throwable failure) {
            return text + "/" + number + "/" + list + "/" + failure.getClass().getSimpleName();
        }

        @Fallback(method = "describe", applyOn = IOException.class)
        public String applyOnIo(String kind) throws Exception {
            throw thrown(failure(kind));
        }

        @Fallback(method = "describe", applyOn = RuntimeException.class, skipOn = IllegalArgumentException.class)
        public String skipOnIllegalArgument(String kind) throws Exception {
            throw thrown(failure(kind));
        }

        private String describe(String kind, Exception failure) {
            return "handled " + failure.getClass().getSimpleName();
        }

        @Fallback(method = "failingFallback")
        public String fallbackThrows() {
            throw new IllegalStateException("the method failed");
        }

        private String failingFallback(Throwable failure) {
            throw new IllegalStateException("the fallback failed too", failure);
        }

        @Fallback(method = "failingCheckedFallback")
        public String fallbackThrowsChecked() throws TimeoutException {
            throw new IllegalStateException("the method failed");
        }

        private String failingCheckedFallback() throws TimeoutException {
            throw new TimeoutException("the fallback timed out");
        }

        @Retry
        public String retriedCheckedFailure() throws IOException {
            throw thrown(new IOException("checked"));
        }

        @CircuitBreaker
        public void guardedCheckedFailure() throws TimeoutException {
            throw thrown(new TimeoutException("checked"));
        }

        @Fallback(method = "primitiveFallback")
        public int primitive() {
            throw new IllegalStateException("failed");
        }

        private int primitiveFallback() {
            return -1;
        }

        @Fallback(method = "voidFallback")
        public void voidMethod() {
            throw new IllegalStateException("failed");
        }

        private void voidFallback(Exception failure) {
            counter.increment("voidFallback");
        }

        @Fallback(method = "stringFallback")
        public CharSequence narrowerReturnType() {
            throw new IllegalStateException("failed");
        }

        private String stringFallback() {
            return "a String for a CharSequence";
        }
    }
}

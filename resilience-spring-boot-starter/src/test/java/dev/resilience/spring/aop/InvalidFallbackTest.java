package dev.resilience.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.resilience.annotation.Fallback;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;

/**
 * A {@code @Fallback} naming no usable method stops start-up with a message naming the class, the annotated
 * method, the fallback name and the signatures expected.
 */
class InvalidFallbackTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class));

    @Test
    void missingFallbackMethodStopsStartUp() {
        assertStartUpFailsWith(MissingFallback.class, "@Fallback(method = \"nowhere\") on "
                + MissingFallback.class.getName() + ".call(String, int) cannot be used: no method named 'nowhere' "
                + "was found in " + MissingFallback.class.getName() + " or its superclasses. Expected a method of "
                + "the same class (it may be private) declared as String nowhere(String, int) or "
                + "String nowhere(String, int, <a Throwable type>).");
    }

    @Test
    void fallbackWithOtherParametersStopsStartUp() {
        assertStartUpFailsWith(WrongParameters.class, "@Fallback(method = \"recover\") on "
                + WrongParameters.class.getName() + ".call(String) cannot be used: recover(Integer) has other "
                + "parameters; recover(String, String) has other parameters. Expected a method of the same class "
                + "(it may be private) declared as String recover(String) or "
                + "String recover(String, <a Throwable type>).");
    }

    @Test
    void fallbackWithAnExtraParameterThatIsNotAThrowableStopsStartUp() {
        assertStartUpFailsWith(ExtraParameter.class, "@Fallback(method = \"recover\") on "
                + ExtraParameter.class.getName() + ".call() cannot be used: recover(String) has other parameters. "
                + "Expected a method of the same class (it may be private) declared as String recover() or "
                + "String recover(<a Throwable type>).");
    }

    @Test
    void fallbackWithIncompatibleReturnTypeStopsStartUp() {
        assertStartUpFailsWith(WrongReturnType.class, "@Fallback(method = \"recover\") on "
                + WrongReturnType.class.getName() + ".call(String) cannot be used: recover(String, IOException) "
                + "returns Integer, which is not assignable to String. Expected a method of the same class "
                + "(it may be private) declared as String recover(String) or "
                + "String recover(String, <a Throwable type>).");
    }

    @Test
    void asynchronousMethodNeedsAFallbackReturningAStage() {
        assertStartUpFailsWith(AsyncWithPlainFallback.class, "@Fallback(method = \"recover\") on "
                + AsyncWithPlainFallback.class.getName() + ".call() cannot be used: recover() returns String, "
                + "which is not assignable to CompletionStage. Expected a method of the same class (it may be "
                + "private) declared as CompletionStage recover() or CompletionStage recover(<a Throwable type>).");
    }

    @Test
    void invalidClassLevelFallbackStopsStartUpForThePublicMethodItCannotServe() {
        assertStartUpFailsWith(ClassLevelMismatch.class, "@Fallback(method = \"recover\") on "
                + ClassLevelMismatch.class.getName() + ".count() cannot be used: recover() returns String, which is "
                + "not assignable to int. Expected a method of the same class (it may be private) declared as "
                + "int recover() or int recover(<a Throwable type>).");
    }

    @Test
    void fallbackDeclaringACheckedExceptionTheMethodCannotThrowStopsStartUp() {
        // Otherwise the proxy would hand the caller an UndeclaredThrowableException.
        assertStartUpFailsWith(UndeclaredCheckedException.class, "@Fallback(method = \"recover\") on "
                + UndeclaredCheckedException.class.getName() + ".call() cannot be used: recover() declares "
                + "IOException, which call() does not declare. Expected a method of the same class (it may be "
                + "private) declared as String recover() or String recover(<a Throwable type>).");
    }

    @Test
    void fallbackMayDeclareCheckedExceptionsTheMethodDeclaresOrAnyForAnAsynchronousMethod() {
        runner.withBean(CompatibleCheckedExceptions.class).run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void validOverloadNextToInvalidOnesIsAccepted() {
        runner.withBean(OneValidOverload.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(OneValidOverload.class).call("x")).isEqualTo("recovered x");
        });
    }

    private void assertStartUpFailsWith(Class<?> beanClass, String message) {
        runner.withBean(beanClass).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidFallbackException.class)
                    .hasMessage(message);
        });
    }

    static class MissingFallback {
        @Fallback(method = "nowhere")
        public String call(String text, int number) {
            return text + number;
        }
    }

    static class WrongParameters {
        @Fallback(method = "recover")
        public String call(String text) {
            return text;
        }

        String recover(Integer text) {
            return "";
        }

        String recover(String text, String notAThrowable) {
            return "";
        }
    }

    static class ExtraParameter {
        @Fallback(method = "recover")
        public String call() {
            return "";
        }

        String recover(String extra) {
            return extra;
        }
    }

    static class WrongReturnType {
        @Fallback(method = "recover")
        public String call(String text) {
            return text;
        }

        Integer recover(String text, IOException failure) {
            return 0;
        }
    }

    static class AsyncWithPlainFallback {
        @Fallback(method = "recover")
        public CompletionStage<String> call() {
            return CompletableFuture.completedFuture("");
        }

        String recover() {
            return "";
        }
    }

    @Fallback(method = "recover")
    static class ClassLevelMismatch {
        public String name() {
            return "";
        }

        public int count() {
            return 0;
        }

        String recover() {
            return "";
        }
    }

    static class UndeclaredCheckedException {
        @Fallback(method = "recover")
        public String call() {
            return "";
        }

        String recover() throws IOException {
            throw new IOException("from the fallback");
        }
    }

    static class CompatibleCheckedExceptions {
        @Fallback(method = "recover")
        public String call() throws IOException {
            return "";
        }

        String recover() throws java.io.FileNotFoundException, RuntimeException, Error {
            return "";
        }

        @Fallback(method = "recoverAsync")
        public CompletionStage<String> async() {
            return CompletableFuture.completedFuture("");
        }

        CompletionStage<String> recoverAsync() throws Exception {
            return CompletableFuture.completedFuture("");
        }
    }

    static class OneValidOverload {
        @Fallback(method = "recover")
        public String call(String text) {
            throw new IllegalStateException(text);
        }

        Integer recover(String text) {
            return 0;
        }

        String recover(String text, RuntimeException failure) {
            return "recovered " + text;
        }
    }
}

package dev.resilience.spring.aop;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;

/** Turns an unusable {@code @Fallback} into a start-up report that names the method to write or fix. */
class InvalidFallbackFailureAnalyzer extends AbstractFailureAnalyzer<InvalidFallbackException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidFallbackException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Declare the fallback method with one of the expected signatures, or correct the name in @Fallback.",
                cause);
    }
}

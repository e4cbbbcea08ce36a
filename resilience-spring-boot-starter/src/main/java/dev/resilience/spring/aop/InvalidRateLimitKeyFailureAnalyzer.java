package dev.resilience.spring.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unusable {@code @RateLimiter} key into a start-up report that says how to write one. */
class InvalidRateLimitKeyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidRateLimitKeyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidRateLimitKeyException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct the key of @RateLimiter on " + cause.method() + ": a SpEL expression over the method's "
                        + "arguments, each named by its parameter name (#tenantId) or its position (#p0 or #a0), "
                        + "e.g. @RateLimiter(key = \"#request.tenantId\").",
                cause);
    }
}

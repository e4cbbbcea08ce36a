package dev.resilience.spring.autoconfigure;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;

/** Turns an invalid {@code resilience.*} setting into a start-up report that says where and what to fix. */
class ResilienceFailureAnalyzer extends AbstractFailureAnalyzer<InvalidResilienceConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidResilienceConfigException cause) {
        return new FailureAnalysis("Invalid resilience configuration: " + cause.getMessage(),
                "Correct '" + cause.property() + "' in the application's configuration (application.yml, "
                        + "application.properties or the environment).",
                cause);
    }
}

package dev.resilience.spring.aop;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns two methods that would share instances by accident into a start-up report that says how to part them. */
class DefaultNameClashFailureAnalyzer extends AbstractFailureAnalyzer<DefaultNameClashException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DefaultNameClashException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Name the instances on at least one of the methods, e.g. @CircuitBreaker(name = \"inventory\"), "
                        + "and configure them under that name. To share the instances on purpose, give both "
                        + "methods the same explicit name instead of '" + cause.defaultName() + "'.",
                cause);
    }
}

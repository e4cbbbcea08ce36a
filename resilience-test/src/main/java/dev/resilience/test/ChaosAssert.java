package dev.resilience.test;

import org.assertj.core.api.AbstractAssert;

import dev.resilience.core.chaos.Chaos;

/** Assertions on what fault injection ({@link Chaos}) did. */
public class ChaosAssert extends AbstractAssert<ChaosAssert, Chaos> {

    public ChaosAssert(Chaos actual) {
        super(actual, ChaosAssert.class);
    }

    /** Faults injected since it was built (or reset to its initial state by the test kit). */
    public ChaosAssert hasInjectedFaults(long expected) {
        return check("injected fault", expected, actual == null ? 0 : actual.injectedFaults());
    }

    /** Delays injected since it was built (or reset to its initial state by the test kit). */
    public ChaosAssert hasInjectedLatencies(long expected) {
        return check("injected delay", expected, actual == null ? 0 : actual.injectedLatencies());
    }

    /** Injection is switched on. */
    public ChaosAssert isEnabled() {
        isNotNull();
        if (!actual.config().enabled()) {
            failWithMessage("%s", "expected chaos '" + actual.name() + "' to be enabled but it was off ("
                    + actual.config() + ")");
        }
        return this;
    }

    /** Injection is switched off. */
    public ChaosAssert isDisabled() {
        isNotNull();
        if (actual.config().enabled()) {
            failWithMessage("%s", "expected chaos '" + actual.name() + "' to be off but it was enabled ("
                    + actual.config() + ")");
        }
        return this;
    }

    private ChaosAssert check(String what, long expected, long found) {
        isNotNull();
        if (found != expected) {
            failWithMessage("%s", "expected chaos '" + actual.name() + "' to have " + Texts.count(expected, what)
                    + " but had " + found + " (" + Texts.count(actual.injectedFaults(), "fault") + ", "
                    + Texts.count(actual.injectedLatencies(), "delay") + "; " + actual.config() + ")");
        }
        return this;
    }
}

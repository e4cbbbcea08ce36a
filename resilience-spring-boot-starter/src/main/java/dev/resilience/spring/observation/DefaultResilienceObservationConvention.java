package dev.resilience.spring.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * Name {@code resilience.call}, contextual name {@code resilience <name>}, low-cardinality keys {@code name}
 * and {@code outcome} ({@code unknown} until the call ends). No high-cardinality keys.
 */
public class DefaultResilienceObservationConvention implements ResilienceObservationConvention {

    /** The observation's name, and so the timer's with Micrometer's meter handler. */
    public static final String NAME = "resilience.call";

    /** The {@code outcome} of a call that has not ended, e.g. on the counters of its events. */
    public static final String UNKNOWN_OUTCOME = "unknown";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public String getContextualName(ResilienceObservationContext context) {
        Names names = context.names;
        return names != null ? names.contextualName : contextualName(context.getInstanceName());
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ResilienceObservationContext context) {
        Names names = context.names;
        return names != null ? names.keyValues(context.getOutcome())
                : keyValuesOf(context.getInstanceName(), context.getOutcome());
    }

    private static String contextualName(String instanceName) {
        return "resilience " + instanceName;
    }

    private static KeyValues keyValuesOf(String instanceName, ResilienceObservationContext.Outcome outcome) {
        return KeyValues.of(
                KeyValue.of(ResilienceObservationDocumentation.LowCardinalityKeyNames.NAME, instanceName),
                KeyValue.of(ResilienceObservationDocumentation.LowCardinalityKeyNames.OUTCOME,
                        outcome == null ? UNKNOWN_OUTCOME : outcome.value()));
    }

    /**
     * What this convention makes of the calls of one pipeline, made once: the contextual name and the key
     * values of each outcome, so that a call builds none of them.
     */
    static final class Names {

        final String contextualName;
        private final KeyValues unknown;
        private final KeyValues[] byOutcome;

        Names(String instanceName) {
            this.contextualName = contextualName(instanceName);
            this.unknown = keyValuesOf(instanceName, null);
            ResilienceObservationContext.Outcome[] outcomes = ResilienceObservationContext.Outcome.values();
            this.byOutcome = new KeyValues[outcomes.length];
            for (ResilienceObservationContext.Outcome outcome : outcomes) {
                byOutcome[outcome.ordinal()] = keyValuesOf(instanceName, outcome);
            }
        }

        KeyValues keyValues(ResilienceObservationContext.Outcome outcome) {
            return outcome == null ? unknown : byOutcome[outcome.ordinal()];
        }
    }
}

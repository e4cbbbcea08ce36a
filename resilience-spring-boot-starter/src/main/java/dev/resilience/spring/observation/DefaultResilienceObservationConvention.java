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
        return "resilience " + context.getInstanceName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(ResilienceObservationContext context) {
        return KeyValues.of(name(context), outcome(context));
    }

    protected KeyValue name(ResilienceObservationContext context) {
        return KeyValue.of(ResilienceObservationDocumentation.LowCardinalityKeyNames.NAME, context.getInstanceName());
    }

    protected KeyValue outcome(ResilienceObservationContext context) {
        ResilienceObservationContext.Outcome outcome = context.getOutcome();
        return KeyValue.of(ResilienceObservationDocumentation.LowCardinalityKeyNames.OUTCOME,
                outcome == null ? UNKNOWN_OUTCOME : outcome.value());
    }
}

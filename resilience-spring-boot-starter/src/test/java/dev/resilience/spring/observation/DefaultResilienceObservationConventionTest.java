package dev.resilience.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.resilience.core.pipeline.ResiliencePipeline;
import dev.resilience.core.retry.Retry;
import dev.resilience.spring.observation.ResilienceObservationContext.Kind;
import dev.resilience.spring.observation.ResilienceObservationContext.Outcome;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The default convention: the same names and keys for a context the starter made (whose values are made once
 * per pipeline) and for one made by hand.
 */
class DefaultResilienceObservationConventionTest {

    private final DefaultResilienceObservationConvention convention = new DefaultResilienceObservationConvention();
    private final ResiliencePipeline pipeline = ResiliencePipeline.builder().retry(Retry.ofDefaults("inventory"))
            .build();

    @Test
    void namesAndKeysOfEveryOutcome() {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(context -> true);
        ResilienceObservationContext made = ResilienceObservations.of(registry, null)
                .calls("inventory", Kind.METHOD, pipeline).start();
        ResilienceObservationContext byHand = new ResilienceObservationContext("inventory", Kind.METHOD, pipeline);

        for (ResilienceObservationContext context : new ResilienceObservationContext[] { made, byHand }) {
            assertThat(convention.getName()).isEqualTo("resilience.call");
            assertThat(convention.supportsContext(context)).isTrue();
            assertThat(convention.getContextualName(context)).isEqualTo("resilience inventory");
            context.setOutcome(null);
            assertThat(convention.getLowCardinalityKeyValues(context)).containsExactly(
                    KeyValue.of("name", "inventory"), KeyValue.of("outcome", "unknown"));
            for (Outcome outcome : Outcome.values()) {
                context.setOutcome(outcome);
                assertThat(convention.getLowCardinalityKeyValues(context)).containsExactly(
                        KeyValue.of("name", "inventory"), KeyValue.of("outcome", outcome.value()));
            }
            assertThat(convention.getHighCardinalityKeyValues(context)).isEmpty();
        }
        assertThat(convention.supportsContext(new Observation.Context())).isFalse();
    }

    @Test
    void theOutcomeValuesAreTheContractsNames() {
        assertThat(Outcome.values()).extracting(Outcome::value)
                .containsExactly("success", "failure", "rejected", "timeout", "fallback", "cancelled");
        assertThat(ResilienceObservationDocumentation.CALL.getLowCardinalityKeyNames())
                .extracting(io.micrometer.common.docs.KeyName::asString).containsExactly("name", "outcome");
        assertThat(ResilienceObservationDocumentation.CALL.getEvents()).extracting(Observation.Event::getName)
                .containsExactly("retry", "fallback", "rejected", "timeout");
    }

    @Test
    void noRegistryOrANoopOneMeansNoObservations() {
        assertThat(ResilienceObservations.of(null, null)).isNull();
        assertThat(ResilienceObservations.of(ObservationRegistry.NOOP, null)).isNull();
        assertThat(ResilienceObservations.of(ObservationRegistry.create(), null)).as("no handler").isNull();
    }
}

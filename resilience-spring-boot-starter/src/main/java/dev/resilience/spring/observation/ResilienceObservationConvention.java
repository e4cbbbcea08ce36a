package dev.resilience.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the {@code resilience.call} observations. Declare a bean of this type to replace the
 * {@link DefaultResilienceObservationConvention} (e.g. a subclass of it that adds a key); a
 * {@code GlobalObservationConvention} for {@link ResilienceObservationContext} registered with the
 * {@code ObservationRegistry} applies when no such bean exists.
 */
public interface ResilienceObservationConvention extends ObservationConvention<ResilienceObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof ResilienceObservationContext;
    }
}

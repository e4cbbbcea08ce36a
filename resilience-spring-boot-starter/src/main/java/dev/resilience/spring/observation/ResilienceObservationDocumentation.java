package dev.resilience.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/** The {@code resilience.call} observation: its keys and its events. */
public enum ResilienceObservationDocumentation implements ObservationDocumentation {

    /** One protected call: an annotated method's call, or a request through a protected HTTP client. */
    CALL {
        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultResilienceObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return LowCardinalityKeyNames.values();
        }

        @Override
        public Observation.Event[] getEvents() {
            return Events.values();
        }
    };

    public enum LowCardinalityKeyNames implements KeyName {

        /** The instance name of the method's outermost policy, or the HTTP client's name. */
        NAME {
            @Override
            public String asString() {
                return "name";
            }
        },

        /** {@code success}, {@code failure}, {@code rejected}, {@code timeout}, {@code fallback}, {@code cancelled}. */
        OUTCOME {
            @Override
            public String asString() {
                return "outcome";
            }
        }
    }

    /**
     * The events of a call. Their names are short because Micrometer's meter handler counts each event as
     * {@code resilience.call.<event>} (e.g. {@code resilience.call.retry}); the contextual name of each
     * occurrence (what a tracer records on the span) says which instance and why.
     */
    public enum Events implements Observation.Event {

        /**
         * A failed attempt will be retried: {@code retry <instance>: attempt 1 failed, next in 100ms (IOException)}.
         */
        RETRY {
            @Override
            public String getName() {
                return "retry";
            }
        },

        /** A fallback supplies the result: {@code fallback <instance> for IOException}. */
        FALLBACK {
            @Override
            public String getName() {
                return "fallback";
            }
        },

        /**
         * An open circuit breaker, a full bulkhead or a rate limiter rejected an attempt:
         * {@code rejected by circuitbreaker <instance>}.
         */
        REJECTED {
            @Override
            public String getName() {
                return "rejected";
            }
        },

        /** An attempt passed its deadline: {@code timeout <instance> after PT2S}. */
        TIMEOUT {
            @Override
            public String getName() {
                return "timeout";
            }
        };

        @Override
        public String getContextualName() {
            return getName();
        }
    }
}

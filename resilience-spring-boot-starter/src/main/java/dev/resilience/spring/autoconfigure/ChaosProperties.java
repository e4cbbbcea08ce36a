package dev.resilience.spring.autoconfigure;

import java.time.Duration;

/**
 * {@code resilience.chaos.*}: fault injection. With {@code enabled} true, an annotated method gets the chaos
 * instance {@code instances} names after it (its default name, else one of its policies' instance names) and an
 * HTTP client the instance of its own name; configs only supply settings to inherit. Nothing else gets chaos,
 * and with {@code enabled} false (the default) no pipeline has a chaos stage at all.
 */
public class ChaosProperties extends PolicyProperties<ChaosProperties.Settings> {

    /**
     * Whether fault injection is wired in at all: false (the default) leaves every pipeline without it, whatever
     * the instances say; true gives each method or HTTP client named under instances its chaos instance.
     */
    private boolean enabled = false;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Settings of one chaos config or instance; unset values are inherited. */
    public static class Settings extends PolicySettings {

        /**
         * Whether this instance injects anything; false wires it in switched off, for the chaos actuator
         * endpoint to switch on at run time. Default true.
         */
        private Boolean enabled;

        /** Share of calls failed on purpose, from 0 to 1. Default 0. */
        private Double faultRate;

        /**
         * What a failed call throws: the fully qualified name of a Throwable with a public constructor taking a
         * String, or none. Default dev.resilience.core.chaos.InjectedFaultException.
         */
        private String exception;

        /** How long a delayed call waits before it runs. Default 0. */
        private Duration latency;

        /** Share of calls delayed by latency, from 0 to 1. Default 0. */
        private Double latencyRate;

        /**
         * HTTP clients only: the status (100 to 599) a failed request is answered with, in place of throwing the
         * exception; 0 throws. Default 0.
         */
        private Integer status;

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Double getFaultRate() {
            return faultRate;
        }

        public void setFaultRate(Double faultRate) {
            this.faultRate = faultRate;
        }

        public String getException() {
            return exception;
        }

        public void setException(String exception) {
            this.exception = exception;
        }

        public Duration getLatency() {
            return latency;
        }

        public void setLatency(Duration latency) {
            this.latency = latency;
        }

        public Double getLatencyRate() {
            return latencyRate;
        }

        public void setLatencyRate(Double latencyRate) {
            this.latencyRate = latencyRate;
        }

        public Integer getStatus() {
            return status;
        }

        public void setStatus(Integer status) {
            this.status = status;
        }
    }
}

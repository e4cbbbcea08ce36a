package dev.resilience.core.chaos;

import static dev.resilience.core.internal.Validation.notNegative;

import java.time.Duration;
import java.util.Objects;

import dev.resilience.core.InvalidConfigException;

/**
 * What fault injection does to the calls it wraps: fails a share of them ({@code faultRate}) with
 * {@code exception}, and delays a share ({@code latencyRate}) by {@code latency}. For HTTP clients,
 * {@code status} answers a failed call with that status instead of an exception.
 */
public final class ChaosConfig {

    private final boolean enabled;
    private final double faultRate;
    private final Class<? extends Throwable> exception;
    private final Duration latency;
    private final double latencyRate;
    private final int status;

    private ChaosConfig(Builder b) {
        this.enabled = b.enabled;
        this.faultRate = b.faultRate;
        this.exception = b.exception;
        this.latency = b.latency;
        this.latencyRate = b.latencyRate;
        this.status = b.status;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Builder from(ChaosConfig base) {
        return new Builder().enabled(base.enabled).faultRate(base.faultRate).exception(base.exception)
                .latency(base.latency).latencyRate(base.latencyRate).status(base.status);
    }

    /** Nothing injected: the defaults. */
    public static ChaosConfig ofDefaults() {
        return builder().build();
    }

    /** Whether this instance injects anything now (switchable at run time). */
    public boolean enabled() {
        return enabled;
    }

    /** Share of calls failed on purpose, from 0 to 1. */
    public double faultRate() {
        return faultRate;
    }

    /** What a failed call throws: made with a message saying it was injected. */
    public Class<? extends Throwable> exception() {
        return exception;
    }

    /** How long a delayed call waits before it runs. */
    public Duration latency() {
        return latency;
    }

    /** Share of calls delayed, from 0 to 1. */
    public double latencyRate() {
        return latencyRate;
    }

    /** For HTTP clients: the status a failed call is answered with, or 0 for an exception. */
    public int status() {
        return status;
    }

    /**
     * Whether {@code other} holds the same settings: a registry leaves an instance alone when its new config
     * equals the one in use.
     */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ChaosConfig that)) {
            return false;
        }
        return Objects.equals(enabled, that.enabled)
                && Objects.equals(faultRate, that.faultRate)
                && Objects.equals(exception, that.exception)
                && Objects.equals(latency, that.latency)
                && Objects.equals(latencyRate, that.latencyRate)
                && Objects.equals(status, that.status);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, faultRate, exception, latency, latencyRate, status);
    }

    @Override
    public String toString() {
        return "ChaosConfig[enabled=" + enabled + ", faultRate=" + faultRate + ", exception="
                + exception.getName() + ", latency=" + latency + ", latencyRate=" + latencyRate + ", status="
                + status + "]";
    }

    /** Mutable builder; {@link #build()} validates every setting. */
    public static final class Builder {
        private boolean enabled = true;
        private double faultRate;
        private Class<? extends Throwable> exception = InjectedFaultException.class;
        private Duration latency = Duration.ZERO;
        private double latencyRate;
        private int status;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder faultRate(double rate) {
            this.faultRate = rate;
            return this;
        }

        public Builder exception(Class<? extends Throwable> exception) {
            this.exception = exception;
            return this;
        }

        public Builder latency(Duration latency) {
            this.latency = latency;
            return this;
        }

        public Builder latencyRate(double rate) {
            this.latencyRate = rate;
            return this;
        }

        public Builder status(int status) {
            this.status = status;
            return this;
        }

        /** @throws InvalidConfigException naming the first invalid setting */
        public ChaosConfig build() {
            rate("faultRate", faultRate);
            rate("latencyRate", latencyRate);
            notNegative("latency", latency);
            if (exception == null) {
                throw new InvalidConfigException("exception", null, "an exception class");
            }
            if (Exceptions.constructor(exception) == null) {
                throw new InvalidConfigException("exception", exception.getName(),
                        "an exception class with a public constructor taking a String, or none");
            }
            if (status != 0 && (status < 100 || status > 599)) {
                throw new InvalidConfigException("status", status, "an HTTP status from 100 to 599, or 0 for none");
            }
            return new ChaosConfig(this);
        }

        private static void rate(String setting, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new InvalidConfigException(setting, rate, "a share from 0 to 1");
            }
        }
    }
}

package dev.resilience.spring.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.resilience.annotation.CircuitBreaker;
import dev.resilience.annotation.Retry;
import dev.resilience.spring.autoconfigure.ResilienceAutoConfiguration;
import dev.resilience.spring.autoconfigure.ResilienceMetricsAutoConfiguration;
import dev.resilience.test.ManualClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * The {@code resilience.call} timer: what Micrometer's meter handler makes of the observations, tagged
 * {@code name}, {@code outcome} (and the handler's own {@code error}), without percentile histograms; with
 * Boot's observation and metrics auto-configuration it comes without any setting of ours.
 */
class ObservationTimerTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ResilienceAutoConfiguration.class))
            .withUserConfiguration(Config.class)
            .withPropertyValues("resilience.retry.instances.priced.wait-duration=10ms");

    @Test
    void theMeterHandlerMakesATimerPerNameAndOutcomeWithoutHistogramAndACounterPerEvent() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        runner.withBean(ObservationRegistry.class, () -> observations).run(context -> {
            Pricing pricing = context.getBean(Pricing.class);
            pricing.price();
            pricing.price(); // the first attempt fails, the retry succeeds
            assertThatThrownBy(pricing::fail).isInstanceOf(IOException.class);

            Timer success = meters.get("resilience.call").tag("name", "priced").tag("outcome", "success").timer();
            assertThat(success.count()).isEqualTo(2);
            Timer failure = meters.get("resilience.call").tag("name", "failing").tag("outcome", "failure")
                    .tag("error", "IOException").timer();
            assertThat(failure.count()).isEqualTo(1);

            HistogramSnapshot snapshot = success.takeSnapshot();
            assertThat(snapshot.percentileValues()).as("no percentiles by default").isEmpty();
            assertThat(snapshot.histogramCounts()).as("no histogram buckets by default").isEmpty();

            assertThat(meters.get("resilience.call.retry").tag("name", "priced").counter().count())
                    .as("the meter handler counts each event").isEqualTo(1);
        });
    }

    @Test
    void bootsObservationAndMetricsAutoConfigurationBringTheTimer() {
        runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, ResilienceMetricsAutoConfiguration.class))
                .run(context -> {
                    context.getBean(Pricing.class).price();

                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    Timer timer = meters.get("resilience.call").tag("name", "priced").tag("outcome", "success")
                            .timer();
                    assertThat(timer.count()).isEqualTo(1);
                    assertThat(timer.takeSnapshot().histogramCounts()).isEmpty();
                    assertThat(meters.find("resilience.call.active").longTaskTimer())
                            .as("the handler's long-task timer of calls under way").isNotNull();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        @Bean
        ManualClock manualClock() {
            return new ManualClock();
        }

        @Bean
        Pricing pricing() {
            return new Pricing();
        }
    }

    static class Pricing {

        private final AtomicInteger calls = new AtomicInteger();

        /** The second call's first attempt fails. */
        @Retry(name = "priced")
        public String price() throws IOException {
            if (calls.incrementAndGet() == 2) {
                throw new IOException("once");
            }
            return "42";
        }

        @CircuitBreaker(name = "failing")
        public String fail() throws IOException {
            throw new IOException("down");
        }
    }
}

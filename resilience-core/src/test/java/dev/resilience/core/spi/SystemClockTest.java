package dev.resilience.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemClockTest {

    @Test
    void systemClockIsOneSharedInstance() {
        assertThat(Clock.system()).isSameAs(Clock.system());
        assertThat(Clock.system().toString()).isEqualTo("Clock.system()");
    }
}

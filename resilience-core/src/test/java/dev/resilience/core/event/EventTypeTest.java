package dev.resilience.core.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;

/** The settings-change types are known by what they are, not by lists kept elsewhere. */
class EventTypeTest {

    @Test
    void everySettingsChangeTypeSaysSoAndNoOtherDoes() {
        for (EventType type : EventType.values()) {
            boolean applied = type.name().endsWith("_CONFIG_CHANGED");
            boolean rejected = type.name().endsWith("_CONFIG_CHANGE_REJECTED");
            assertThat(type.isConfigChange()).as(type.name()).isEqualTo(applied || rejected);
            assertThat(type.isConfigChangeApplied()).as(type.name()).isEqualTo(applied);
        }
    }

    @Test
    void eachPolicyWhoseSettingsChangeAtRunTimeHasItsRejectedType() {
        for (PolicyKind policy : EnumSet.complementOf(EnumSet.of(PolicyKind.FALLBACK))) {
            EventType rejected = EventType.configChangeRejected(policy);
            assertThat(rejected.policy()).isEqualTo(policy);
            assertThat(rejected.name()).endsWith("_CONFIG_CHANGE_REJECTED");
        }
        assertThat(EventType.configChangeRejected(PolicyKind.CIRCUIT_BREAKER))
                .isEqualTo(EventType.CIRCUIT_BREAKER_CONFIG_CHANGE_REJECTED);
        assertThatIllegalArgumentException().isThrownBy(() -> EventType.configChangeRejected(PolicyKind.FALLBACK));
    }
}

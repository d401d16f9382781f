package dev.kelpie.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T1 = Instant.parse("2026-01-01T10:00:00.123Z");
    private static final Instant T2 = Instant.parse("2026-01-01T11:00:00Z");

    @Test
    void transitionTimeMovesOnlyWhenTheStatusChanges() {
        List<Condition> first = Conditions.withTransitionTimes(List.of(),
                List.of(Conditions.of("Ready", false, "PodsNotReady", "0 of 3", 1L)), T1);
        assertThat(first.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");

        List<Condition> sameStatus = Conditions.withTransitionTimes(first,
                List.of(Conditions.of("Ready", false, "PodsNotReady", "2 of 3", 1L)), T2);
        assertThat(sameStatus.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(sameStatus.get(0).getMessage()).isEqualTo("2 of 3");

        List<Condition> flipped = Conditions.withTransitionTimes(sameStatus,
                List.of(Conditions.of("Ready", true, "AllPodsReady", "3 of 3", 1L)), T2);
        assertThat(flipped.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T11:00:00Z");
    }

    @Test
    void warningsAreKeyedByReason() {
        List<Condition> before = Conditions.withTransitionTimes(List.of(),
                List.of(Conditions.of("Warning", true, "A", "a", 1L)), T1);

        List<Condition> after = Conditions.withTransitionTimes(before, List.of(
                Conditions.of("Warning", true, "A", "a", 2L), Conditions.of("Warning", true, "B", "b", 2L)), T2);

        assertThat(after).extracting(Condition::getReason, Condition::getLastTransitionTime)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "2026-01-01T10:00:00Z"),
                        org.assertj.core.groups.Tuple.tuple("B", "2026-01-01T11:00:00Z"));
        assertThat(Conditions.find(after, "Ready")).isNull();
        assertThat(Conditions.find(after, "Warning").getReason()).isEqualTo("A");
    }
}

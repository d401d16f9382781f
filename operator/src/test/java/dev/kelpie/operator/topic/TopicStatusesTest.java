package dev.kelpie.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.model.SpecProblem;
import dev.kelpie.operator.status.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicStatusesTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");
    private static final ObservedTopic OBSERVED = new ObservedTopic("orders", "AAAAAAAAAAAAAAAAAAAAAQ", 6, 3,
            Map.of("retention.ms", "1000"));

    @Test
    void anInSyncTopicReportsWhatTheBrokerDescribed() {
        Topic topic = topic(1L);
        TopicOutcome outcome = TopicOutcome.synced("orders", List.of(), new TopicPlan("orders", List.of(), List.of()),
                Optional.of(OBSERVED));
        var status = TopicStatuses.of(topic, outcome, T0);
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(status.getTopicName()).isEqualTo("orders");
        assertThat(status.getTopicId()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAQ");
        assertThat(status.getPartitions()).isEqualTo(6);
        assertThat(status.getReplicas()).isEqualTo(3);
        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.READY);
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getReason()).isEqualTo(TopicOutcome.REASON_IN_SYNC);
            assertThat(c.getMessage()).isEqualTo("topic orders: 6 partitions, replication factor 3, 1 configs set");
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        });
        assertThat(outcome.recheck()).isEqualTo(TopicOutcome.Recheck.DRIFT);
    }

    @Test
    void whatWasNotDescribedKeepsItsPreviousValue() {
        Topic topic = topic(2L);
        topic.setStatus(TopicStatuses.of(topic(1L), TopicOutcome.synced("orders", List.of(),
                new TopicPlan("orders", List.of(), List.of()), Optional.of(OBSERVED)), T0));
        TopicOutcome outcome = TopicOutcome.clusterNotFound("orders", "events", "test");

        var status = TopicStatuses.of(topic, outcome, T1);

        assertThat(status.getObservedGeneration()).isEqualTo(2L);
        assertThat(status.getTopicId()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAQ");
        assertThat(status.getPartitions()).isEqualTo(6);
        assertThat(status.getConditions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo(TopicOutcome.REASON_CLUSTER_NOT_FOUND);
            assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
        });
        assertThat(outcome.recheck()).as("the Cluster's creation is an event").isEqualTo(TopicOutcome.Recheck.NONE);
    }

    @Test
    void refusalsOutrankAndAreNotRetried() {
        SpecProblem fewer = SpecProblem.warn(TopicPlanner.NOT_SUPPORTED, "partitions cannot decrease from 6 to 3");
        TopicOutcome outcome = TopicOutcome.synced("orders", List.of(fewer),
                new TopicPlan("orders", List.of(), List.of(fewer)), Optional.of(OBSERVED));
        assertThat(outcome.ready()).isFalse();
        assertThat(outcome.reason()).isEqualTo(TopicPlanner.NOT_SUPPORTED);
        assertThat(outcome.recheck()).as("only the drift check, no retry").isEqualTo(TopicOutcome.Recheck.DRIFT);

        TopicOutcome renamed = TopicOutcome.refused("orders", List.of(SpecProblem.refuse(TopicPlanner.NOT_SUPPORTED,
                "topicName cannot change")));
        assertThat(renamed.recheck()).isEqualTo(TopicOutcome.Recheck.NONE);
    }

    @Test
    void aBrokerStillDifferingAfterTheCallsIsRetried() {
        TopicPlan remaining = new TopicPlan("orders", List.of(new TopicAction.AddPartitions("orders", 8)), List.of());
        TopicOutcome outcome = TopicOutcome.synced("orders", List.of(), remaining, Optional.of(OBSERVED));
        assertThat(outcome.ready()).isFalse();
        assertThat(outcome.reason()).isEqualTo(TopicOutcome.REASON_NOT_IN_SYNC);
        assertThat(outcome.recheck()).isEqualTo(TopicOutcome.Recheck.RETRY);
    }

    private static Topic topic(long generation) {
        Topic topic = new Topic();
        topic.setMetadata(new ObjectMetaBuilder().withName("orders").withNamespace("test").withGeneration(generation)
                .build());
        TopicSpec spec = new TopicSpec();
        spec.setCluster("events");
        topic.setSpec(spec);
        return topic;
    }
}

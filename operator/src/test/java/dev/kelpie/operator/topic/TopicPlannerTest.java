package dev.kelpie.operator.topic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import dev.kelpie.operator.api.TopicStatus;
import dev.kelpie.operator.model.SpecProblem;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TopicPlannerTest {

    @Test
    void createsAMissingTopicNamedAfterTheResource() {
        TopicPlan plan = TopicPlanner.plan(topic(6, 3, Map.of("retention.ms", new IntNode(1000))), Optional.empty());

        assertThat(plan.topicName()).isEqualTo("payments");
        assertThat(plan.problems()).isEmpty();
        assertThat(plan.actions()).containsExactly(new TopicAction.Create("payments", OptionalInt.of(6),
                OptionalInt.of(3), new TreeMap<>(Map.of("retention.ms", "1000"))));
    }

    @Test
    void leavesPartitionsAndReplicasToTheBrokerWhenUnset() {
        Topic topic = topic(null, null, Map.of());
        topic.getSpec().setTopicName("payments.v2");

        TopicPlan plan = TopicPlanner.plan(topic, Optional.empty());

        assertThat(plan.actions()).containsExactly(new TopicAction.Create("payments.v2", OptionalInt.empty(),
                OptionalInt.empty(), new TreeMap<>()));
    }

    @Test
    void isInSyncWhenTheBrokerMatches() {
        TopicPlan plan = TopicPlanner.plan(topic(6, 3, Map.of("retention.ms", new TextNode("1000"))),
                Optional.of(observed(6, 3, Map.of("retention.ms", "1000"))));

        assertThat(plan.inSync()).isTrue();
    }

    @Test
    void raisesPartitionsAndRevertsConfigDrift() {
        TopicPlan plan = TopicPlanner.plan(topic(12, 3, Map.of("retention.ms", new IntNode(1000),
                        "cleanup.policy", list("compact", "delete"))),
                Optional.of(observed(6, 3, Map.of("retention.ms", "5", "segment.ms", "60000",
                        "cleanup.policy", "compact,delete"))));

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.actions()).containsExactly(
                new TopicAction.AddPartitions("payments", 12),
                new TopicAction.AlterConfigs("payments", Map.of("retention.ms", "1000"), Set.of("segment.ms")));
    }

    @Test
    void refusesFewerPartitionsAndAnotherReplicationFactorButStillAppliesConfigs() {
        TopicPlan plan = TopicPlanner.plan(topic(3, 1, Map.of("retention.ms", new IntNode(1000))),
                Optional.of(observed(6, 3, Map.of())));

        assertThat(plan.problems()).extracting(SpecProblem::reason).containsExactly("NotSupported", "NotSupported");
        assertThat(plan.problems()).extracting(SpecProblem::message).containsExactly(
                "partitions cannot decrease from 6 to 3; Kafka cannot remove partitions",
                "replicas cannot change from 3 to 1 yet: that needs partition reassignment");
        assertThat(plan.actions()).containsExactly(
                new TopicAction.AlterConfigs("payments", Map.of("retention.ms", "1000"), Set.of()));
    }

    @Test
    void refusesARenameAndDoesNothingElse() {
        Topic topic = topic(12, 3, Map.of());
        topic.getSpec().setTopicName("renamed");
        topic.setStatus(new TopicStatus());
        topic.getStatus().setTopicName("payments");

        TopicPlan plan = TopicPlanner.plan(topic, Optional.of(observed(6, 3, Map.of())));

        assertThat(plan.topicName()).isEqualTo("payments");
        assertThat(plan.actions()).isEmpty();
        assertThat(plan.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo("NotSupported");
            assertThat(p.blocking()).isTrue();
        });
    }

    @Test
    void refusesInvalidSpecsThatTheApiServerWouldHaveCaught() {
        Topic topic = topic(0, 40000, Map.of("nested", JsonNodeFactory.instance.objectNode()));
        topic.getSpec().setTopicName("no spaces");

        TopicPlan plan = TopicPlanner.plan(topic, Optional.empty());

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.problems()).allMatch(SpecProblem::blocking).extracting(SpecProblem::reason)
                .containsExactly("InvalidSpec", "InvalidSpec", "InvalidSpec", "InvalidConfigValue");
        topic.getSpec().setCluster(null);
        assertThat(TopicPlanner.plan(topic, Optional.empty()).problems()).extracting(SpecProblem::message)
                .containsExactly("spec.cluster is required");
    }

    private static JsonNode list(String... values) {
        var array = JsonNodeFactory.instance.arrayNode();
        for (String value : values) {
            array.add(value);
        }
        return array;
    }

    private static ObservedTopic observed(int partitions, int replicas, Map<String, String> configs) {
        return new ObservedTopic("payments", "AAAAAAAAAAAAAAAAAAAAAQ", partitions, replicas, configs);
    }

    private static Topic topic(Integer partitions, Integer replicas, Map<String, JsonNode> config) {
        Topic topic = new Topic();
        topic.setMetadata(new ObjectMetaBuilder().withName("payments").withNamespace("test").build());
        TopicSpec spec = new TopicSpec();
        spec.setCluster("events");
        spec.setPartitions(partitions);
        spec.setReplicas(replicas);
        spec.setConfig(config);
        topic.setSpec(spec);
        return topic;
    }
}

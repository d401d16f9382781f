package dev.kelpie.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.operator.api.Cluster;
import dev.kelpie.operator.api.Topic;
import dev.kelpie.operator.api.TopicSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples users copy must be valid and produce resources. */
class ExamplesTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    private static final Path EXAMPLES = Path.of("examples");

    @ParameterizedTest
    @ValueSource(strings = {"cluster.yaml", "cluster-production.yaml"})
    void clusterExamplesAreValid(String file) throws IOException {
        Cluster cluster = YAML.unmarshal(Files.readString(EXAMPLES.resolve(file)), Cluster.class);
        cluster.getMetadata().setNamespace("default");
        cluster.getMetadata().setUid(UUID.randomUUID().toString());

        assertThat(ClusterValidation.problems(cluster)).isEmpty();
        assertThat(ClusterModel.of(cluster, ClusterModelGoldenTest.DEFAULTS).resources()).hasSize(6);
    }

    @Test
    void topicExampleReads() throws IOException {
        Topic topic = YAML.unmarshal(Files.readString(EXAMPLES.resolve("topic.yaml")), Topic.class);

        assertThat(topic.getSpec().getCluster()).isEqualTo("events");
        assertThat(topic.getSpec().getDeletionPolicy()).isEqualTo(TopicSpec.DeletionPolicy.RETAIN);
        assertThat(topic.getSpec().getConfig().get("retention.ms").asLong()).isEqualTo(604_800_000L);
    }
}

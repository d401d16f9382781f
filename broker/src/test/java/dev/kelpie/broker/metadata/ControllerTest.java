package dev.kelpie.broker.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.log.LogConfig;
import dev.kelpie.broker.metadata.Controller.ConfigOp;
import dev.kelpie.broker.metadata.Controller.CreateTopicResult;
import dev.kelpie.broker.metadata.Controller.DeleteTopicResult;
import dev.kelpie.broker.metadata.Controller.NewTopic;
import dev.kelpie.broker.metadata.Controller.PartitionsIncrease;
import dev.kelpie.broker.metadata.Controller.TopicRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerTest {
    @TempDir
    Path dir;

    private LocalMetadataLog log;
    private Controller controller;
    private MetadataCache cache;
    private final List<MetadataImage> published = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        open();
        controller.registerBroker(new BrokerRegistration(1, "localhost", 9092, null)).join();
    }

    private void open() {
        log = LocalMetadataLog.open(dir, Clock.SYSTEM);
        MetadataImage image = MetadataImage.replay("cluster-1", log.readAll());
        cache = new MetadataCache(image);
        controller = new Controller(new ControllerSettings(1, 3, (short) 1, LogConfig.defaults(), 100), log, image,
                (prev, next) -> {
                    published.add(next);
                    cache.update(next);
                    return java.util.concurrent.CompletableFuture.completedFuture(null);
                });
    }

    private void reopen() {
        close();
        open();
    }

    @AfterEach
    void close() {
        controller.close();
        log.close();
    }

    private CreateTopicResult create(String name, int partitions, int factor, Map<String, String> configs) {
        return controller.createTopics(List.of(new NewTopic(name, partitions, (short) factor, Map.of(), configs)),
                false).join().get(0);
    }

    @Test
    void createdTopicIsPublishedAndSurvivesRestart() {
        CreateTopicResult result = create("orders", -1, -1, Map.of("retention.ms", "60000"));
        assertThat(result.error()).isEqualTo(ApiError.NONE);
        assertThat(result.numPartitions()).isEqualTo(3);
        assertThat(result.replicationFactor()).isEqualTo((short) 1);
        TopicImage topic = cache.image().topic("orders").orElseThrow();
        assertThat(topic.id()).isEqualTo(result.topicId());
        assertThat(topic.partitions().values()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(1);
            assertThat(p.replicas()).containsExactly(1);
            assertThat(p.isr()).containsExactly(1);
            assertThat(p.leaderEpoch()).isZero();
        });
        reopen();
        MetadataImage reloaded = MetadataImage.replay("cluster-1", log.readAll());
        assertThat(reloaded.topic(result.topicId()).orElseThrow().partitionCount()).isEqualTo(3);
        assertThat(reloaded.topicConfigs("orders")).containsExactly(Map.entry("retention.ms", "60000"));
        assertThat(reloaded.broker(1).orElseThrow().port()).isEqualTo(9092);
    }

    @Test
    void invalidTopicsAreRejectedWithKafkasErrors() {
        create("a.b", 1, 1, Map.of());
        assertThat(create("bad name!", 1, 1, Map.of()).error().error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(create("..", 1, 1, Map.of()).error().error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(create("x".repeat(250), 1, 1, Map.of()).error().error()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
        assertThat(create("a_b", 1, 1, Map.of()).error().message()).contains("collides");
        assertThat(create("a.b", 1, 1, Map.of()).error().error()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
        assertThat(create("zero", 0, 1, Map.of()).error().error()).isEqualTo(Errors.INVALID_PARTITIONS);
        assertThat(create("big", 101, 1, Map.of()).error().error()).isEqualTo(Errors.POLICY_VIOLATION);
        assertThat(create("rf3", 1, 3, Map.of()).error().error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(create("rf0", 1, 0, Map.of()).error().error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        ApiError badConfig = create("cfg", 1, 1, Map.of("retention.ms", "soon")).error();
        assertThat(badConfig.error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(badConfig.message()).contains("retention.ms");
        assertThat(create("cfg2", 1, 1, Map.of("no.such.config", "1")).error().message()).contains("no.such.config");
        assertThat(cache.image().topics().keySet()).containsExactly("a.b");
    }

    @Test
    void manualAssignmentsAreValidated() {
        NewTopic ok = new NewTopic("manual", -1, (short) -1, Map.of(0, List.of(1), 1, List.of(1)), Map.of());
        NewTopic gap = new NewTopic("gap", -1, (short) -1, Map.of(0, List.of(1), 2, List.of(1)), Map.of());
        NewTopic unknownBroker = new NewTopic("nobroker", -1, (short) -1, Map.of(0, List.of(7)), Map.of());
        NewTopic both = new NewTopic("both", 2, (short) -1, Map.of(0, List.of(1)), Map.of());
        List<CreateTopicResult> results = controller.createTopics(List.of(ok, gap, unknownBroker, both), false).join();
        assertThat(results).extracting(r -> r.error().error()).containsExactly(Errors.NONE,
                Errors.INVALID_REPLICA_ASSIGNMENT, Errors.INVALID_REPLICA_ASSIGNMENT, Errors.INVALID_REQUEST);
        assertThat(cache.image().topic("manual").orElseThrow().partitionCount()).isEqualTo(2);
    }

    @Test
    void validateOnlyCommitsNothing() {
        int before = published.size();
        CreateTopicResult result = controller.createTopics(
                List.of(new NewTopic("dry", 4, (short) 1, Map.of(), Map.of())), true).join().get(0);
        assertThat(result.error().isSuccess()).isTrue();
        assertThat(result.numPartitions()).isEqualTo(4);
        assertThat(published).hasSize(before);
        assertThat(cache.image().topic("dry")).isEmpty();
    }

    @Test
    void deleteByNameAndByIdAndUnknown() {
        Uuid a = create("a", 1, 1, Map.of("retention.ms", "5")).topicId();
        create("b", 1, 1, Map.of());
        List<DeleteTopicResult> results = controller.deleteTopics(List.of(new TopicRef(null, a),
                new TopicRef("b", null), new TopicRef("nope", null), new TopicRef(null, Uuid.randomUuid()))).join();
        assertThat(results).extracting(r -> r.error().error()).containsExactly(Errors.NONE, Errors.NONE,
                Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_ID);
        assertThat(results.get(0).name()).isEqualTo("a");
        assertThat(cache.image().topics()).isEmpty();
        assertThat(cache.image().topicConfigs("a")).isEmpty();
        Uuid recreated = create("a", 1, 1, Map.of()).topicId();
        assertThat(recreated).isNotEqualTo(a);
    }

    @Test
    void createPartitionsOnlyIncreases() {
        create("p", 2, 1, Map.of());
        List<ApiError> results = controller.createPartitions(List.of(new PartitionsIncrease("p", 5, null),
                new PartitionsIncrease("nope", 5, null)), false).join();
        assertThat(results).extracting(ApiError::error).containsExactly(Errors.NONE,
                Errors.UNKNOWN_TOPIC_OR_PARTITION);
        assertThat(cache.image().topic("p").orElseThrow().partitionCount()).isEqualTo(5);
        List<ApiError> bad = controller.createPartitions(List.of(new PartitionsIncrease("p", 5, null),
                new PartitionsIncrease("p", 3, null), new PartitionsIncrease("p", 7, List.of(List.of(1)))), false)
                .join();
        assertThat(bad).extracting(ApiError::error).containsExactly(Errors.INVALID_PARTITIONS,
                Errors.INVALID_PARTITIONS, Errors.INVALID_REPLICA_ASSIGNMENT);
    }

    @Test
    void incrementalConfigOperations() {
        create("c", 1, 1, Map.of("retention.ms", "1000", "segment.bytes", "100000"));
        Map<String, ApiError> results = controller.incrementalAlterTopicConfigs(Map.of("c", List.of(
                new ConfigOp("retention.ms", "2000", OpType.SET),
                new ConfigOp("segment.bytes", null, OpType.DELETE),
                new ConfigOp("cleanup.policy", "compact", OpType.APPEND))), false).join();
        assertThat(results.get("c")).isEqualTo(ApiError.NONE);
        assertThat(cache.image().topicConfigs("c")).containsOnly(Map.entry("retention.ms", "2000"),
                Map.entry("cleanup.policy", "delete,compact"));
        controller.incrementalAlterTopicConfigs(Map.of("c", List.of(
                new ConfigOp("cleanup.policy", "delete", OpType.SUBTRACT))), false).join();
        assertThat(cache.image().topicConfigs("c")).containsEntry("cleanup.policy", "compact");

        Map<String, ApiError> bad = controller.incrementalAlterTopicConfigs(Map.of(
                "c", List.of(new ConfigOp("retention.ms", "x", OpType.APPEND)),
                "nope", List.of(new ConfigOp("retention.ms", "1", OpType.SET))), false).join();
        assertThat(bad.get("c").error()).isEqualTo(Errors.INVALID_CONFIG);
        assertThat(bad.get("nope").error()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
        Map<String, ApiError> invalidValue = controller.incrementalAlterTopicConfigs(Map.of(
                "c", List.of(new ConfigOp("segment.bytes", "-5", OpType.SET))), true).join();
        assertThat(invalidValue.get("c").message()).contains("segment.bytes");
        controller.incrementalAlterTopicConfigs(Map.of(
                "c", List.of(new ConfigOp("segment.ms", "5000", OpType.SET))), true).join();
        assertThat(cache.image().topicConfigs("c")).doesNotContainKey("segment.ms");
    }

    @Test
    void legacyAlterReplacesAllOverrides() {
        create("l", 1, 1, Map.of("retention.ms", "1000", "segment.bytes", "100000"));
        assertThat(controller.replaceTopicConfigs(Map.of("l", Map.of("segment.ms", "5000")), false).join().get("l"))
                .isEqualTo(ApiError.NONE);
        assertThat(cache.image().topicConfigs("l")).containsOnly(Map.entry("segment.ms", "5000"));
    }

    @Test
    void producerIdBlocksNeverRepeatAcrossRestarts() {
        List<Long> firsts = new ArrayList<>();
        firsts.add(controller.allocateProducerIds(1).join().firstId());
        firsts.add(controller.allocateProducerIds(1).join().firstId());
        reopen();
        firsts.add(controller.allocateProducerIds(1).join().firstId());
        assertThat(firsts).containsExactly(0L, 1000L, 2000L);
    }

    @Test
    void unchangedBrokerRegistrationCommitsNothing() {
        int before = published.size();
        controller.registerBroker(new BrokerRegistration(1, "localhost", 9092, null)).join();
        assertThat(published).hasSize(before);
        controller.registerBroker(new BrokerRegistration(1, "otherhost", 9093, null)).join();
        assertThat(cache.image().broker(1).orElseThrow().host()).isEqualTo("otherhost");
    }
}

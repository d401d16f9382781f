package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.log.LogManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every Admin call in scope, with the real kafka-clients Admin. */
class AdminTest {
    /** Retention is checked every 200 ms so config changes show their effect quickly. */
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c,
            new LogManager.Settings(2, 2, 200, 1_000, 60_000, LogManager.Settings.defaults().cleaner(),
                    LogManager.Settings.defaults().producerIdExpirationMs()));

    private static Throwable cause(ThrowingCall call) {
        try {
            call.run();
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a failure");
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void createTopicsValidatesNamesFactorsAndConfigs() throws Exception {
        Admin admin = BROKER.admin();
        CreateTopicsResult ok = admin.createTopics(List.of(new NewTopic("created", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "compact"))));
        assertThat(ok.numPartitions("created").get()).isEqualTo(3);
        assertThat(ok.replicationFactor("created").get()).isEqualTo(1);
        assertThat(ok.topicId("created").get()).isEqualTo(BROKER.server().metadata().topic("created").orElseThrow().id());
        assertThat(ok.config("created").get().get("retention.ms").value()).isEqualTo("3600000");
        assertThat(ok.config("created").get().get("retention.ms").source())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);

        assertThat(cause(() -> admin.createTopics(List.of(new NewTopic("created", 1, (short) 1))).all().get()))
                .isInstanceOf(TopicExistsException.class);
        assertThat(cause(() -> admin.createTopics(List.of(new NewTopic("bad name", 1, (short) 1))).all().get()))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(cause(() -> admin.createTopics(List.of(new NewTopic("x".repeat(250), 1, (short) 1))).all().get()))
                .isInstanceOf(InvalidTopicException.class);
        assertThat(cause(() -> admin.createTopics(List.of(new NewTopic("rf3", 1, (short) 3))).all().get()))
                .isInstanceOf(InvalidReplicationFactorException.class);
        Throwable badConfig = cause(() -> admin.createTopics(List.of(new NewTopic("badcfg", 1, (short) 1)
                .configs(Map.of("retention.ms", "forever")))).all().get());
        assertThat(badConfig).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("retention.ms");
        assertThat(cause(() -> admin.createTopics(List.of(new NewTopic("unknowncfg", 1, (short) 1)
                .configs(Map.of("no.such.thing", "1")))).all().get())).hasMessageContaining("no.such.thing");

        CreateTopicsResult dry = admin.createTopics(List.of(new NewTopic("dry-run", 5, (short) 1)),
                new CreateTopicsOptions().validateOnly(true));
        assertThat(dry.numPartitions("dry-run").get()).isEqualTo(5);
        assertThat(admin.listTopics().names().get()).contains("created").doesNotContain("dry-run", "rf3", "badcfg");

        admin.createTopics(List.of(new NewTopic("defaults", java.util.Optional.empty(), java.util.Optional.empty())))
                .all().get();
        assertThat(BROKER.server().metadata().topic("defaults").orElseThrow().partitionCount()).isEqualTo(1);
    }

    @Test
    void deleteTopicsByNameAndById() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("gone-1", 1, (short) 1), new NewTopic("gone-2", 2, (short) 1)))
                .all().get();
        Uuid id2 = admin.describeTopics(List.of("gone-2")).allTopicNames().get().get("gone-2").topicId();
        admin.deleteTopics(List.of("gone-1")).all().get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id2))).all().get();
        assertThat(admin.listTopics().names().get()).doesNotContain("gone-1", "gone-2");
        assertThat(BROKER.server().partitionManager().partition(new TopicPartition("gone-2", 1))).isEmpty();
        assertThat(cause(() -> admin.deleteTopics(List.of("never-was")).all().get()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(cause(() -> admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid()))).all().get()))
                .isInstanceOf(UnknownTopicIdException.class);
        admin.createTopics(List.of(new NewTopic("gone-1", 1, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        assertThat(producer.send(new ProducerRecord<>("gone-1", "reborn")).get().offset()).isZero();
    }

    @Test
    void createPartitionsOnlyGrows() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("growing", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4))).all().get();
        TopicDescription d = admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing");
        assertThat(d.partitions()).hasSize(4);
        assertThat(cause(() -> admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2))).all().get()))
                .isInstanceOf(InvalidPartitionsException.class);
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        assertThat(producer.send(new ProducerRecord<>("growing", 3, "k", "v")).get().partition()).isEqualTo(3);
    }

    @Test
    void describeAndAlterConfigs() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("configured", 1, (short) 1).configs(Map.of("retention.ms", "100000"))))
                .all().get();
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "configured");
        Config config = admin.describeConfigs(List.of(topic), new DescribeConfigsOptions().includeSynonyms(true))
                .all().get().get(topic);
        assertThat(config.get("retention.ms").value()).isEqualTo("100000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("retention.ms").synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
                .containsExactly("retention.ms", "log.retention.ms");
        assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete");

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", null), AlterConfigOp.OpType.DELETE),
                new AlterConfigOp(new ConfigEntry("segment.ms", "600000"), AlterConfigOp.OpType.SET),
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.APPEND))))
                .all().get();
        config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("segment.ms").value()).isEqualTo("600000");
        assertThat(config.get("cleanup.policy").value()).isEqualTo("delete,compact");
        assertThat(BROKER.server().partitionManager().partition(new TopicPartition("configured", 0)).orElseThrow()
                .log().config().segmentMs()).isEqualTo(600_000);

        admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SUBTRACT))))
                .all().get();
        assertThat(BROKER.server().metadata().topicConfigs("configured")).containsEntry("cleanup.policy", "compact");

        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry("segment.ms", "1234"),
                AlterConfigOp.OpType.SET))), new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(true))
                .all().get();
        assertThat(BROKER.server().metadata().topicConfigs("configured")).containsEntry("segment.ms", "600000");

        assertThat(cause(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("segment.bytes", "12"), AlterConfigOp.OpType.SET)))).all().get()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("segment.bytes");
        assertThat(cause(() -> admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "5"), AlterConfigOp.OpType.APPEND)))).all().get()))
                .isInstanceOf(InvalidConfigurationException.class);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        assertThat(cause(() -> admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                new ConfigEntry("num.partitions", "5"), AlterConfigOp.OpType.SET)))).all().get()))
                .isInstanceOf(InvalidRequestException.class);

        Config brokerConfig = admin.describeConfigs(List.of(broker)).all().get().get(broker);
        assertThat(brokerConfig.get("node.id").value()).isEqualTo("1");
        assertThat(brokerConfig.get("log.retention.ms").value()).isEqualTo("604800000");
        assertThat(brokerConfig.get("node.id").isReadOnly()).isTrue();
    }

    @Test
    void describeClusterAndTopics() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("described", 3, (short) 1))).all().get();
        DescribeClusterResult cluster = admin.describeCluster();
        assertThat(cluster.clusterId().get()).isEqualTo(EmbeddedBroker.CLUSTER_ID);
        assertThat(cluster.nodes().get()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo(1);
            assertThat(n.port()).isEqualTo(BROKER.port());
        });
        assertThat(cluster.controller().get().id()).isEqualTo(1);
        TopicDescription byName = admin.describeTopics(List.of("described")).allTopicNames().get().get("described");
        assertThat(byName.partitions()).hasSize(3).allSatisfy(p -> {
            assertThat(p.leader().id()).isEqualTo(1);
            assertThat(p.isr()).extracting(org.apache.kafka.common.Node::id).containsExactly(1);
        });
        TopicDescription byId = admin.describeTopics(TopicCollection.ofTopicIds(List.of(byName.topicId())))
                .allTopicIds().get().get(byName.topicId());
        assertThat(byId.name()).isEqualTo("described");
        assertThat(cause(() -> admin.describeTopics(List.of("nobody")).allTopicNames().get()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    @Test
    void listOffsetsAndDeleteRecords() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("offsets", 1, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        long base = System.currentTimeMillis() - 10_000;
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>("offsets", 0, base + (i == 7 ? 5_000 : i), "k", "v" + i)).get();
        }
        TopicPartition tp = new TopicPartition("offsets", 0);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset()).isZero();
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(10);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.maxTimestamp())).partitionResult(tp).get().offset())
                .isEqualTo(7);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.forTimestamp(base + 3))).partitionResult(tp).get()
                .offset()).isEqualTo(3);
        assertThat(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).lowWatermarks().get(tp).get()
                .lowWatermark()).isEqualTo(6);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset())
                .isEqualTo(6);
    }

    @Test
    void retentionConfigChangeDeletesOldSegmentsLive() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("retained", 1, (short) 1).configs(Map.of("segment.bytes", "1024"))))
                .all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        long old = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < 40; i++) {
            producer.send(new ProducerRecord<>("retained", 0, old, "k", "x".repeat(100))).get();
        }
        TopicPartition tp = new TopicPartition("retained", 0);
        assertThat(BROKER.server().partitionManager().partition(tp).orElseThrow().log().segmentCount())
                .isGreaterThan(2);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset()).isZero();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "retained");
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("retention.ms",
                "60000"), AlterConfigOp.OpType.SET)))).all().get();
        await().atMost(Duration.ofSeconds(15)).until(() ->
                admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).get().offset() > 0);
        assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()).isEqualTo(40);
    }

    @Test
    void clusterWideBrokerDefaultsAreEmpty() throws Exception {
        ConfigResource defaults = new ConfigResource(ConfigResource.Type.BROKER, "");
        assertThat(BROKER.admin().describeConfigs(List.of(defaults)).all().get().get(defaults).entries()).isEmpty();
    }
}

package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.common.Clock;
import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics, configs, ids, producer ids and acknowledged records survive a restart on the same data. */
class RestartTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    private static List<String> readAll(String bootstrap, TopicPartition tp, int count) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static List<Long> produce(KafkaProducer<String, String> producer, String topic, int from, int count)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, 0, "k", "v" + i)));
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            offsets.add(f.get().offset());
        }
        return offsets;
    }

    @Test
    void metadataAndDataSurviveAGracefulRestart() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1).configs(Map.of("retention.ms", "7200000")),
                new NewTopic("dropped", 1, (short) 1))).all().get();
        admin.createPartitions(Map.of("kept", NewPartitions.increaseTo(3))).all().get();
        admin.deleteTopics(List.of("dropped")).all().get();
        Uuid keptId = BROKER.server().metadata().topic("kept").orElseThrow().id();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        assertThat(produce(producer, "kept", 0, 25)).endsWith(24L);
        long firstProducerId = BROKER.server().metadata().nextProducerId();
        BROKER.closeClients();

        BROKER.restart();

        assertThat(BROKER.server().metadata().topic("kept").orElseThrow().id()).isEqualTo(keptId);
        assertThat(BROKER.server().metadata().topic("kept").orElseThrow().partitionCount()).isEqualTo(3);
        assertThat(BROKER.server().metadata().topic("dropped")).isEmpty();
        assertThat(BROKER.server().metadata().topicConfigs("kept")).containsEntry("retention.ms", "7200000");
        assertThat(BROKER.server().partitionManager().partition(new TopicPartition("kept", 0)).orElseThrow()
                .log().config().retentionMs()).isEqualTo(7_200_000);
        assertThat(Files.exists(BROKER.dataDir().resolve("dropped-0"))).isFalse();
        TopicPartition kept0 = new TopicPartition("kept", 0);
        assertThat(readAll(BROKER.bootstrap(), kept0, 25)).hasSize(25).startsWith("v0").endsWith("v24");

        KafkaProducer<String, String> again = BROKER.producer(new Properties());
        assertThat(produce(again, "kept", 25, 5)).containsExactly(25L, 26L, 27L, 28L, 29L);
        assertThat(BROKER.server().metadata().nextProducerId()).isGreaterThan(firstProducerId);
        assertThat(BROKER.admin().describeTopics(List.of("kept")).allTopicNames().get().get("kept").topicId())
                .isEqualTo(keptId);
    }

    @Test
    void strayAndMismatchedLogsAreDeletedAtStart() throws Exception {
        Admin admin = BROKER.admin();
        admin.createTopics(List.of(new NewTopic("mismatch", 1, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        produce(producer, "mismatch", 0, 3);
        BROKER.closeClients();
        BROKER.server().close();
        Path stray = Files.createDirectories(BROKER.dataDir().resolve("ghost-0"));
        PartitionMetadataFile.write(BROKER.dataDir().resolve("mismatch-0"), Uuid.randomUuid());

        BROKER.restart();

        assertThat(Files.exists(stray)).isFalse();
        assertThat(BROKER.server().partitionManager().partition(new TopicPartition("mismatch", 0)).orElseThrow()
                .log().logEndOffset()).isZero();
        assertThat(PartitionMetadataFile.read(BROKER.dataDir().resolve("mismatch-0")))
                .contains(BROKER.server().metadata().topic("mismatch").orElseThrow().id());
    }

    @Test
    void acknowledgedRecordsSurviveAnUncleanStop() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("unclean", 1, (short) 1))).all().get();
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        List<Long> acked = produce(producer, "unclean", 0, 50);
        assertThat(acked).hasSize(50);
        BROKER.closeClients();
        BrokerServer abandoned = BROKER.server();
        abandoned.network().close();
        BrokerConfig base = BrokerConfig.embeddedDefault();
        BrokerConfig config = new BrokerConfig(1, "127.0.0.1", 0, "127.0.0.1", 0, List.of(BROKER.dataDir()), 0, 1,
                (short) 1, true, LogConfig.defaults(), base.socketRequestBytesMax(), base.connectionsIdleMsMax(),
                base.requestReadTimeoutMs(), base.connectionsMax(), base.connectionsPerIpMax(),
                base.inFlightRequestsPerConnectionMax(), 2, base.producerIdExpirationMs());
        BrokerServer recovered = new BrokerServer(config, EmbeddedBroker.CLUSTER_ID, Clock.SYSTEM);
        try {
            recovered.start();
            List<String> values = readAll("127.0.0.1:" + recovered.boundPort(), new TopicPartition("unclean", 0), 50);
            assertThat(values).hasSize(50).startsWith("v0").endsWith("v49");
            assertThat(recovered.metadata().topic("unclean")).isPresent();
        } finally {
            recovered.close();
            BROKER.restart();
        }
    }
}

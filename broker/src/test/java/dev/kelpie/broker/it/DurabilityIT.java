package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records acknowledged with {@code acks=all} survive SIGKILL of the broker process: a new broker process on
 * the same data directory serves every one of them, intact, at the offset it was acknowledged with.
 */
class DurabilityIT {
    private static final String TOPIC = "durable";
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 20_000;

    @TempDir
    Path dir;

    @Test
    void withoutTheLogDirJournalAcknowledgedRecordsSurviveSigkillAndRestart() throws Exception {
        Path data = killAndRestart("--override", "kelpie.log.journal.enable=false"); // group commit per log
        assertThat(data.resolve(".journal")).as("no journal was kept").doesNotExist();
    }

    @Test
    void withTheLogDirJournalAcknowledgedRecordsSurviveSigkillAndACleanStopLeavesNoJournal() throws Exception {
        Path data = killAndRestart("--override", "kelpie.log.journal.enable=true");
        try (var files = Files.list(data.resolve(".journal"))) {
            assertThat(files).as("a clean stop deletes the journal").isEmpty();
        }
    }

    /** Produces, SIGKILLs the broker, restarts it on the same data and checks every acknowledged record. */
    private Path killAndRestart(String... brokerArgs) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> acked;
        String meta;
        try (BrokerProcess first = BrokerProcess.start(data, brokerArgs)) {
            first.createTopic(TOPIC, PARTITIONS);
            acked = produce(first.bootstrap());
            meta = Files.readString(data.resolve("meta.properties"));
            first.kill();
            assertThat(first.isAlive()).isFalse();
        }
        try (BrokerProcess second = BrokerProcess.start(data, brokerArgs)) {
            assertThat(second.output()).doesNotContain("Formatted");
            assertThat(Files.readString(data.resolve("meta.properties"))).isEqualTo(meta);
            assertThat(consumeAll(second.bootstrap(), acked.size())).isEqualTo(acked);
            assertThat(second.stop()).as(second.output()).isZero();
        }
        return data;
    }

    /** Produces with the producer's defaults (idempotent, acks=all); returns "partition/offset" → value. */
    private static Map<String, String> produce(String bootstrap)
            throws InterruptedException, ExecutionException, TimeoutException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        List<String> values = IntStream.range(0, RECORDS).mapToObj(i -> "value-" + i + "-" + "v".repeat(i % 97)).toList();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < RECORDS; i++) {
                futures.add(producer.send(new ProducerRecord<>(TOPIC, "key-" + i, values.get(i))));
            }
            producer.flush();
        }
        Map<String, String> acked = new HashMap<>();
        for (int i = 0; i < RECORDS; i++) {
            RecordMetadata m = futures.get(i).get(30, TimeUnit.SECONDS);
            acked.put(m.partition() + "/" + m.offset(), values.get(i));
        }
        assertThat(acked).hasSize(RECORDS);
        return acked;
    }

    private static Map<String, String> consumeAll(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Map<String, String> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                    .mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await("all acknowledged records").atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.put(r.partition() + "/" + r.offset(), r.value());
                }
                return seen.size() >= expected;
            });
            long endOffsets = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            assertThat(endOffsets).isEqualTo(expected);
        }
        return seen;
    }
}

package dev.kelpie.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed offsets survive SIGKILL of the broker: a group member commits what it processed, the broker process
 * is killed (no clean shutdown), restarted on the same data, and a new member of the same group resumes exactly
 * at the committed offsets: every record is consumed once, none is skipped. The killed broker's group state
 * (the old member, its partitions) is replayed from {@code __consumer_offsets} and expires with its session.
 */
class ConsumerGroupRecoveryIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;

    @TempDir
    Path dir;

    private static String[] overrides() {
        return new String[] {"--override", "group.initial.rebalance.delay.ms=0", "--override",
            "offsets.topic.num.partitions=5", "--override", "group.consumer.session.timeout.ms=6000", "--override",
            "group.consumer.heartbeat.interval.ms=500"};
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void consumptionResumesAtTheCommittedOffsetsAfterBrokerSigkill(String protocol) throws Exception {
        String topic = "recovery-" + protocol;
        String group = "recovery-group-" + protocol;
        Map<Integer, List<Long>> seen = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed;
        BrokerProcess broker = BrokerProcess.start(dir.resolve("data"), overrides());
        try {
            broker.createTopic(topic, PARTITIONS);
            produce(broker, topic);
            KafkaConsumer<String, String> first = consumer(broker, protocol, group);
            committed = consume(first, topic, RECORDS / 2, seen);
            broker.kill();
            first.close(CloseOptions.timeout(Duration.ofMillis(500)));
        } finally {
            broker.close();
        }
        BrokerProcess restarted = BrokerProcess.start(dir.resolve("data"), overrides());
        try (Admin admin = admin(restarted)) {
            Map<TopicPartition, OffsetAndMetadata> stored = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(stored).isEqualTo(committed);
            try (KafkaConsumer<String, String> second = consumer(restarted, protocol, group)) {
                consume(second, topic, RECORDS / 2, seen);
            }
            for (Map.Entry<Integer, List<Long>> e : seen.entrySet()) {
                assertThat(e.getValue()).as("partition %s: every offset exactly once", e.getKey())
                        .isEqualTo(LongStream.range(0, RECORDS / PARTITIONS).boxed().toList());
            }
        } finally {
            assertThat(restarted.stop()).as(restarted.output()).isZero();
        }
    }

    private static void produce(BrokerProcess broker, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private static Admin admin(BrokerProcess broker) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        return Admin.create(p);
    }

    private static KafkaConsumer<String, String> consumer(BrokerProcess broker, String protocol, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 7);
        if (protocol.equals("classic")) {
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 20_000);
        }
        return new KafkaConsumer<>(p);
    }

    /** Consumes {@code count} records, committing after each poll exactly the records processed. */
    private static Map<TopicPartition, OffsetAndMetadata> consume(KafkaConsumer<String, String> c, String topic,
            int count, Map<Integer, List<Long>> seen) {
        c.subscribe(List.of(topic));
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        int[] consumed = {0};
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(100))) {
                if (consumed[0] == count) {
                    break;
                }
                seen.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                batch.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                consumed[0]++;
            }
            if (!batch.isEmpty()) {
                c.commitSync(batch);
                committed.putAll(batch);
            }
            return consumed[0] == count;
        });
        return committed;
    }
}

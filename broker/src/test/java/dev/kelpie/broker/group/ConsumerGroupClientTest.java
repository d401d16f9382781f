package dev.kelpie.broker.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.log.LogManager;
import dev.kelpie.broker.metrics.GroupStateSource;
import dev.kelpie.broker.server.EmbeddedBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kafka-clients 4.4 consumers against an in-JVM broker, with {@code group.protocol=classic} (JoinGroup/SyncGroup,
 * client-side range assignor) and {@code group.protocol=consumer} (KIP-848, server-side uniform assignor): the
 * split of partitions among members, hand-over when a member leaves, resumption at committed offsets after a
 * consumer restart and after a broker restart, and static members that restart without a rebalance.
 */
class ConsumerGroupClientTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker(c -> c.withGroupCoordinator(GroupCoordinatorConfig
            .defaults().withInitialRebalanceDelayMs(0).withConsumerTimeouts(6_000, 500)
            .withOffsetsTopic(5, 100 * 1024 * 1024)),
            LogManager.Settings.defaults());
    private static final Duration WAIT = Duration.ofSeconds(45);

    private static KafkaConsumer<String, String> consumer(String protocol, String group, String instanceId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        if (protocol.equals("classic")) {
            p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
            p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
            p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 15_000);
        }
        if (instanceId != null) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        return BROKER.consumer(p);
    }

    private static void createTopic(String name, int partitions) throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
    }

    /** Polls every consumer briefly until {@code done} holds. */
    private static void pollUntil(List<KafkaConsumer<String, String>> consumers, java.util.function.BooleanSupplier done) {
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            consumers.forEach(c -> c.poll(Duration.ofMillis(20)));
            return done.getAsBoolean();
        });
    }

    private static boolean evenlySplit(List<KafkaConsumer<String, String>> consumers, int each, int total) {
        Set<TopicPartition> all = new HashSet<>();
        for (KafkaConsumer<String, String> c : consumers) {
            if (c.assignment().size() != each) {
                return false;
            }
            all.addAll(c.assignment());
        }
        return all.size() == total;
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void threeMembersShareSixPartitionsAndALeavingMemberHandsItsPartitionsOn(String protocol) throws Exception {
        String topic = "split-" + protocol;
        createTopic(topic, 6);
        List<KafkaConsumer<String, String>> consumers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            KafkaConsumer<String, String> c = consumer(protocol, "split-group-" + protocol, null);
            c.subscribe(List.of(topic));
            consumers.add(c);
        }
        pollUntil(consumers, () -> evenlySplit(consumers, 2, 6));

        KafkaConsumer<String, String> leaving = consumers.remove(2);
        leaving.close();
        pollUntil(consumers, () -> evenlySplit(consumers, 3, 6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void consumptionResumesExactlyAtTheCommittedOffsetsAfterConsumerAndBrokerRestarts(String protocol)
            throws Exception {
        String topic = "resume-" + protocol;
        String group = "resume-group-" + protocol;
        createTopic(topic, 3);
        produce(topic, 0, 90);

        Map<Integer, List<Long>> seen = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> committed = consumeAndCommit(protocol, group, topic, 40, seen);
        assertThat(committed).isNotEmpty();

        BROKER.restart();
        Map<TopicPartition, OffsetAndMetadata> stored = BROKER.admin().listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        assertThat(stored).isEqualTo(committed);

        produce(topic, 90, 30);
        consumeAndCommit(protocol, group, topic, 120 - countAll(seen), seen);
        for (Map.Entry<Integer, List<Long>> e : seen.entrySet()) {
            List<Long> offsets = e.getValue();
            assertThat(offsets).as("partition %s: every offset once, in order", e.getKey())
                    .isEqualTo(java.util.stream.LongStream.range(0, offsets.size()).boxed().toList());
        }
        assertThat(countAll(seen)).isEqualTo(120);
    }

    private static int countAll(Map<Integer, List<Long>> seen) {
        return seen.values().stream().mapToInt(List::size).sum();
    }

    private static void produce(String topic, int from, int count) throws Exception {
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        for (int i = from; i < from + count; i++) {
            producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "v" + i)).get();
        }
    }

    /**
     * Consumes {@code count} records with a fresh group member, committing after each poll exactly what it
     * processed; records the offsets seen per partition, then closes the member.
     */
    private static Map<TopicPartition, OffsetAndMetadata> consumeAndCommit(String protocol, String group,
            String topic, int count, Map<Integer, List<Long>> seen) {
        KafkaConsumer<String, String> c = consumer(protocol, group, null);
        c.subscribe(List.of(topic));
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        AtomicInteger consumed = new AtomicInteger();
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(50))) {
                if (consumed.get() == count) {
                    break;
                }
                seen.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.offset());
                batch.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                consumed.incrementAndGet();
            }
            if (!batch.isEmpty()) {
                c.commitSync(batch);
                committed.putAll(batch);
            }
            return consumed.get() == count;
        });
        c.close();
        return committed;
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void aStaticMemberRestartingWithinItsSessionCausesNoRebalance(String protocol) throws Exception {
        String topic = "static-" + protocol;
        String group = "static-group-" + protocol;
        createTopic(topic, 4);
        RebalanceCounter stayingListener = new RebalanceCounter();
        KafkaConsumer<String, String> staying = consumer(protocol, group, "staying");
        staying.subscribe(List.of(topic), stayingListener);
        KafkaConsumer<String, String> restarting = consumer(protocol, group, "restarting");
        restarting.subscribe(List.of(topic));
        List<KafkaConsumer<String, String>> both = List.of(staying, restarting);
        pollUntil(both, () -> evenlySplit(both, 2, 4));
        Set<TopicPartition> before = new HashSet<>(restarting.assignment());
        Set<TopicPartition> stayingBefore = new HashSet<>(staying.assignment());
        int rebalancesBefore = stayingListener.events.get();

        restarting.close();
        KafkaConsumer<String, String> back = consumer(protocol, group, "restarting");
        back.subscribe(List.of(topic));
        pollUntil(List.of(staying, back), () -> back.assignment().equals(before));
        for (int i = 0; i < 10; i++) {
            staying.poll(Duration.ofMillis(100));
            back.poll(Duration.ofMillis(100));
        }
        assertThat(staying.assignment()).isEqualTo(stayingBefore);
        assertThat(stayingListener.events.get()).as("no revocation or assignment for the other member")
                .isEqualTo(rebalancesBefore);
    }

    /** Counts rebalance callbacks that change something. */
    private static final class RebalanceCounter implements ConsumerRebalanceListener {
        final AtomicInteger events = new AtomicInteger();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                events.incrementAndGet();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                events.incrementAndGet();
            }
        }
    }

    @org.junit.jupiter.api.Test
    void snapshotsShowStateMembersCommittedOffsetsAndLag() throws Exception {
        createTopic("lag", 2);
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        for (int i = 0; i < 5; i++) {
            producer.send(new ProducerRecord<>("lag", 0, "k", "v" + i)).get();
            producer.send(new ProducerRecord<>("lag", 1, "k", "v" + i)).get();
        }
        KafkaConsumer<String, String> c = consumer("classic", "lag-group", null);
        c.subscribe(List.of("lag"));
        pollUntil(List.of(c), () -> c.assignment().size() == 2);
        c.commitSync(Map.of(new TopicPartition("lag", 0), new OffsetAndMetadata(3),
                new TopicPartition("lag", 1), new OffsetAndMetadata(5)));
        GroupStateSource.Group snapshot = BROKER.server().groupCoordinator().snapshot().get().stream()
                .filter(g -> g.groupId().equals("lag-group")).findFirst().orElseThrow();
        assertThat(snapshot.type()).isEqualTo("classic");
        assertThat(snapshot.state()).isEqualTo("Stable");
        assertThat(snapshot.members()).isEqualTo(1);
        assertThat(snapshot.offsets()).containsExactly(
                new GroupStateSource.PartitionOffset("lag", 0, 3, 5, 2),
                new GroupStateSource.PartitionOffset("lag", 1, 5, 5, 0));
    }

    @org.junit.jupiter.api.Test
    void offsetsOfADeletedTopicAreDeleted() throws Exception {
        createTopic("doomed", 1);
        createTopic("kept", 1);
        KafkaConsumer<String, String> c = consumer("classic", "deletion-group", null);
        c.assign(List.of(new TopicPartition("doomed", 0), new TopicPartition("kept", 0)));
        c.commitSync(Map.of(new TopicPartition("doomed", 0), new OffsetAndMetadata(0),
                new TopicPartition("kept", 0), new OffsetAndMetadata(0)));
        BROKER.admin().deleteTopics(List.of("doomed")).all().get();
        await().atMost(WAIT).until(() -> BROKER.admin().listConsumerGroupOffsets("deletion-group")
                .partitionsToOffsetAndMetadata().get().keySet().equals(Set.of(new TopicPartition("kept", 0))));
    }
}

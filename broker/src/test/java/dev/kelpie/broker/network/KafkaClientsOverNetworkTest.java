package dev.kelpie.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.common.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real kafka-clients 4.4 against {@link NetworkServer} with a tiny test handler: ApiVersions negotiation, Metadata,
 * and Produce with acks=1 (pipelined, in order) and acks=0 (no responses at all).
 */
class KafkaClientsOverNetworkTest {
    private AnsweringHandler handler;
    private NetworkServer server;

    @BeforeEach
    void start() {
        handler = new AnsweringHandler(TestChannel.API_VERSIONS);
        server = new NetworkServer(new NetworkConfig("127.0.0.1", 0, "PLAINTEXT", 1024 * 1024, 60_000, 10_000, 100,
                100, 100, 1024 * 1024, 2, 2_000), handler, TestChannel.API_VERSIONS, Clock.SYSTEM);
        server.start();
        handler.advertisedPort = server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void adminDescribesTheClusterAndListsTopics() throws Exception {
        handler.hold = EnumSet.noneOf(ApiKeys.class);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            DescribeClusterResult cluster = admin.describeCluster();

            assertThat(cluster.clusterId().get(15, TimeUnit.SECONDS)).isEqualTo(AnsweringHandler.CLUSTER_ID);
            assertThat(cluster.nodes().get(15, TimeUnit.SECONDS)).extracting(Node::id, Node::port)
                    .containsExactly(tuple(1, server.port()));
            assertThat(admin.listTopics().names().get(15, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void producerWithAcksOneGetsOrderedOffsets() throws Exception {
        try (KafkaProducer<String, String> producer = producer("1")) {
            RecordMetadata first = producer.send(new ProducerRecord<>("orders", "k", "v0")).get(15, TimeUnit.SECONDS);
            RecordMetadata second = producer.send(new ProducerRecord<>("orders", "k", "v1")).get(15, TimeUnit.SECONDS);

            assertThat(first.topic()).isEqualTo("orders");
            assertThat(second.offset()).isGreaterThan(first.offset());
        }
        assertThat(handler.producedRecords).hasValue(2);
    }

    @Test
    void producerWithAcksZeroGetsNoResponsesAndLosesNothing() {
        try (KafkaProducer<String, String> producer = producer("0")) {
            for (int i = 0; i < 1_000; i++) {
                producer.send(new ProducerRecord<>("metrics", Integer.toString(i), "value-" + i));
            }
            producer.flush();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(handler.producedRecords).hasValue(1_000));
    }

    private KafkaProducer<String, String> producer(String acks) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private String bootstrap() {
        return "127.0.0.1:" + server.port();
    }
}

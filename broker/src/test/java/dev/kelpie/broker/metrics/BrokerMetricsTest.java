package dev.kelpie.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.kelpie.broker.server.EmbeddedBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker's own meters carry the values of what happened: a real in-JVM broker and real clients. */
class BrokerMetricsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    private static Scrape scrape() {
        return new Scrape(BROKER.server().metrics().scrape());
    }

    @Test
    void produceAndFetchAreCountedPerTopicAndPartition() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("traffic", 3, (short) 1))).all().get();
        Properties acksAll = new Properties();
        acksAll.put(ProducerConfig.ACKS_CONFIG, "all");
        acksAll.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        KafkaProducer<String, String> producer = BROKER.producer(acksAll);
        for (int i = 0; i < 30; i++) {
            producer.send(new ProducerRecord<>("traffic", i % 3, "k", "value-" + i)).get();
        }
        KafkaConsumer<String, String> consumer = BROKER.consumer(new Properties());
        List<TopicPartition> partitions = List.of(new TopicPartition("traffic", 0), new TopicPartition("traffic", 1),
                new TopicPartition("traffic", 2));
        consumer.assign(partitions);
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        for (int attempt = 0; attempt < 50 && read.size() < 30; attempt++) {
            consumer.poll(Duration.ofMillis(200)).forEach(read::add);
        }
        assertThat(read).hasSize(30);

        Scrape s = scrape();
        assertThat(s.value("kelpie_topic_in_messages_total", "topic", "traffic")).hasValue(30);
        double in = s.value("kelpie_topic_in_bytes_total", "topic", "traffic").orElseThrow();
        double out = s.value("kelpie_topic_out_bytes_total", "topic", "traffic").orElseThrow();
        double sizes = 0;
        for (int p = 0; p < 3; p++) {
            String partition = Integer.toString(p);
            assertThat(s.value("kelpie_log_end_offset", "topic", "traffic", "partition", partition)).hasValue(10);
            assertThat(s.value("kelpie_log_start_offset", "topic", "traffic", "partition", partition)).hasValue(0);
            sizes += s.value("kelpie_log_size_bytes", "topic", "traffic", "partition", partition).orElseThrow();
        }
        // one batch per send, stored as received; consumers read each batch once
        assertThat(in).isEqualTo(sizes).isGreaterThan(30 * "value-0".length());
        assertThat(out).isEqualTo(sizes);
        assertThat(s.value("kelpie_topic_log_size_bytes", "topic", "traffic")).hasValue(sizes);
        assertThat(s.value("kelpie_topic_partitions", "topic", "traffic")).hasValue(3);

        assertThat(s.value("kelpie_request_duration_seconds_count", "api", "Produce").orElseThrow())
                .isGreaterThanOrEqualTo(30);
        assertThat(s.value("kelpie_request_duration_seconds_bucket", "api", "Produce", "le", "+Inf").orElseThrow())
                .isEqualTo(s.value("kelpie_request_duration_seconds_count", "api", "Produce").orElseThrow());
        assertThat(s.find("kelpie_request_duration_seconds_bucket", "api", "Fetch")).hasSize(16);
        assertThat(s.value("kelpie_log_fsync_duration_seconds_count").orElseThrow()).isGreaterThanOrEqualTo(1);
        assertThat(s.value("kelpie_requests_failed_total", "api", "Produce")).hasValue(0);
    }

    @Test
    void partitionHealthOnOneNode() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("health", 2, (short) 1))).all().get();
        Scrape s = scrape();
        long partitions = Math.round(s.value("kelpie_partitions").orElseThrow());
        assertThat(partitions).isGreaterThanOrEqualTo(2);
        assertThat(s.value("kelpie_leader_partitions")).hasValue(partitions);
        assertThat(s.value("kelpie_under_replicated_partitions")).hasValue(0);
        assertThat(s.value("kelpie_under_min_isr_partitions")).hasValue(0);
        for (String cause : List.of("no_leader", "corruption", "io_error")) {
            assertThat(s.value("kelpie_offline_partitions", "cause", cause)).as(cause).hasValue(0);
        }
        assertThat(s.value("kelpie_cluster_brokers")).hasValue(1);
        assertThat(s.value("kelpie_controller_active")).hasValue(1);
        assertThat(s.value("kelpie_metrics_partition_series_enabled")).hasValue(1);
        assertThat(s.find("kelpie_broker_info", "node_id", "1", "cluster_id", EmbeddedBroker.CLUSTER_ID)).hasSize(1);
        assertThat(s.value("kelpie_log_dir_total_bytes", "dir", BROKER.dataDir().toString()).orElseThrow())
                .isGreaterThan(s.value("kelpie_log_dir_usable_bytes", "dir", BROKER.dataDir().toString())
                        .orElseThrow()).isGreaterThan(0);
        assertThat(s.value("process_files_open_files").orElseThrow()).isGreaterThan(0);
        assertThat(s.find("jvm_memory_used_bytes", "area", "heap")).isNotEmpty();
    }

    @Test
    void errorCodesAndFailedRequestsAreCountedByApi() throws Exception {
        double before = scrape().value("kelpie_request_errors_total", "api", "DescribeTopicPartitions", "error",
                "UNKNOWN_TOPIC_OR_PARTITION").orElse(0);
        assertThatThrownBy(() -> BROKER.admin().describeTopics(List.of("nope")).allTopicNames().get())
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        Scrape s = scrape();
        assertThat(s.value("kelpie_request_errors_total", "api", "DescribeTopicPartitions", "error",
                "UNKNOWN_TOPIC_OR_PARTITION")).hasValue(before + 1);
        assertThat(s.value("kelpie_requests_failed_total", "api", "DescribeTopicPartitions").orElseThrow())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void connectionsAreCountedPerListener() throws Exception {
        Scrape before = scrape();
        double opened = before.value("kelpie_network_connections_opened_total", "listener", "PLAINTEXT").orElse(0);
        double closed = before.value("kelpie_network_connections_closed_total", "listener", "PLAINTEXT").orElse(0);
        RawConnection connection = RawConnection.open(BROKER.port());
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    scrape().value("kelpie_network_connections_opened_total", "listener", "PLAINTEXT").orElseThrow())
                    .isGreaterThanOrEqualTo(opened + 1));
            assertThat(scrape().value("kelpie_network_connections", "listener", "PLAINTEXT").orElseThrow())
                    .isGreaterThanOrEqualTo(1);
        } finally {
            connection.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                scrape().value("kelpie_network_connections_closed_total", "listener", "PLAINTEXT").orElseThrow())
                .isGreaterThanOrEqualTo(closed + 1));
        assertThat(scrape().value("kelpie_network_connections_refused_total", "listener", "PLAINTEXT")).hasValue(0);
    }

    @Test
    void aLongPollIsInFlightAndInThePurgatory() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("quiet", 1, (short) 1))).all().get();
        AtomicBoolean polling = new AtomicBoolean(true);
        Properties longPoll = new Properties();
        longPoll.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000);
        KafkaConsumer<String, String> consumer = BROKER.consumer(longPoll);
        Thread poller = new Thread(() -> {
            consumer.assign(List.of(new TopicPartition("quiet", 0)));
            while (polling.get()) {
                consumer.poll(Duration.ofMillis(100));
            }
        }, "long-poller");
        poller.start();
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Scrape s = scrape();
                assertThat(s.value("kelpie_purgatory_delayed_operations", "operation", "fetch").orElseThrow())
                        .isGreaterThanOrEqualTo(1);
                assertThat(s.value("kelpie_network_requests_in_flight", "listener", "PLAINTEXT").orElseThrow())
                        .isGreaterThanOrEqualTo(1);
            });
        } finally {
            polling.set(false);
            poller.join();
            consumer.close();
        }
        // the closed connection's queue entries are gone; its parked fetch leaves at its deadline
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Scrape s = scrape();
            assertThat(s.value("kelpie_purgatory_delayed_operations", "operation", "fetch")).hasValue(0);
            assertThat(s.value("kelpie_network_requests_in_flight", "listener", "PLAINTEXT")).hasValue(0);
            assertThat(s.value("kelpie_network_requests_waiting", "listener", "PLAINTEXT")).hasValue(0);
        });
    }

    @Test
    void aDeletedTopicLosesItsSeries() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("doomed", 1, (short) 1))).all().get();
        BROKER.producer(new Properties()).send(new ProducerRecord<>("doomed", "k", "v")).get();
        assertThat(scrape().value("kelpie_topic_in_messages_total", "topic", "doomed")).hasValue(1);
        BROKER.admin().deleteTopics(List.of("doomed")).all().get();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape s = scrape();
            assertThat(s.find("kelpie_topic_in_messages_total", "topic", "doomed")).isEmpty();
            assertThat(s.find("kelpie_topic_partitions", "topic", "doomed")).isEmpty();
            assertThat(s.find("kelpie_log_end_offset", "topic", "doomed")).isEmpty();
        });
    }
}

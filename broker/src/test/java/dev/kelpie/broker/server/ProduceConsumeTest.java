package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.log.LogReadInfo;
import dev.kelpie.broker.log.SegmentedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real kafka-clients producers and consumers against one broker. */
class ProduceConsumeTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    private static void createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
    }

    private static Properties props(Object... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static List<ConsumerRecord<String, String>> readFrom(TopicPartition tp, long offset, int count) {
        KafkaConsumer<String, String> consumer = BROKER.consumer(new Properties());
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        consumer.close();
        return got;
    }

    private static List<RecordMetadata> sendAll(KafkaProducer<String, String> producer, String topic, int count)
            throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i);
            r.headers().add(new RecordHeader("h", ("hv" + i).getBytes(StandardCharsets.UTF_8)));
            sent.add(producer.send(r));
        }
        producer.flush();
        List<RecordMetadata> metadata = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            metadata.add(f.get());
        }
        return metadata;
    }

    /** The codecs of the batches stored in partition 0 of {@code topic}, read straight from the log. */
    private static List<CompressionType> storedCodecs(String topic) throws Exception {
        SegmentedLog log = BROKER.server().partitionManager().partition(new TopicPartition(topic, 0)).orElseThrow()
                .log();
        LogReadInfo info = log.read(0, Integer.MAX_VALUE, log.logEndOffset(), true);
        FileSlice slice = info.records();
        ByteBuffer buffer = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            while (buffer.hasRemaining()) {
                slice.channel().read(buffer, slice.position() + buffer.position());
            }
        } finally {
            slice.release();
        }
        List<CompressionType> codecs = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(buffer.flip()).batches()) {
            codecs.add(batch.compressionType());
        }
        return codecs;
    }

    @Test
    void defaultProducerAndAssignedConsumer() throws Exception {
        createTopic("orders", 2, Map.of());
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sent.add(producer.send(new ProducerRecord<>("orders", i % 2, "k" + i, "v" + i)));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        assertThat(sent.get(98).get().offset()).isEqualTo(49);
        TopicPartition p0 = new TopicPartition("orders", 0);
        List<ConsumerRecord<String, String>> got = readFrom(p0, 10, 40);
        assertThat(got).hasSize(40);
        assertThat(got.get(0).offset()).isEqualTo(10);
        assertThat(got.get(0).value()).isEqualTo("v20");
        assertThat(got.get(39).value()).isEqualTo("v98");
        KafkaConsumer<String, String> consumer = BROKER.consumer(new Properties());
        assertThat(consumer.endOffsets(List.of(p0))).isEqualTo(Map.of(p0, 50L));
        assertThat(consumer.beginningOffsets(List.of(p0))).isEqualTo(Map.of(p0, 0L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSetting(String acks) throws Exception {
        String topic = "acks-" + acks;
        createTopic(topic, 1, Map.of());
        KafkaProducer<String, String> producer = BROKER.producer(props(ProducerConfig.ACKS_CONFIG, acks));
        List<RecordMetadata> metadata = sendAll(producer, topic, 30);
        if (!acks.equals("0")) {
            assertThat(metadata.get(29).offset()).isEqualTo(29);
        }
        List<ConsumerRecord<String, String>> got = readFrom(new TopicPartition(topic, 0), 0, 30);
        assertThat(got).extracting(ConsumerRecord::value).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 30).mapToObj(i -> "value-" + i).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyCompressionTypeRoundTripsAndIsStoredAsSent(String codec) throws Exception {
        String topic = "codec-" + codec;
        createTopic(topic, 1, Map.of());
        KafkaProducer<String, String> producer = BROKER.producer(props(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.LINGER_MS_CONFIG, 20));
        sendAll(producer, topic, 50);
        List<ConsumerRecord<String, String>> got = readFrom(new TopicPartition(topic, 0), 0, 50);
        assertThat(got).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(got.get(i).key()).isEqualTo("key-" + i);
            assertThat(got.get(i).value()).isEqualTo("value-" + i);
            assertThat(new String(got.get(i).headers().lastHeader("h").value(), StandardCharsets.UTF_8))
                    .isEqualTo("hv" + i);
        }
        assertThat(storedCodecs(topic)).isNotEmpty().containsOnly(CompressionType.forName(codec));
    }

    @Test
    void topicCompressionTypeRecompressesOtherCodecs() throws Exception {
        createTopic("to-gzip", 1, Map.of("compression.type", "gzip"));
        createTopic("to-plain", 1, Map.of("compression.type", "uncompressed"));
        createTopic("keep", 1, Map.of("compression.type", "producer"));
        KafkaProducer<String, String> lz4 = BROKER.producer(props(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"));
        KafkaProducer<String, String> zstd = BROKER.producer(props(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd"));
        List<RecordMetadata> offsets = sendAll(lz4, "to-gzip", 20);
        sendAll(zstd, "to-plain", 20);
        sendAll(zstd, "keep", 20);
        assertThat(storedCodecs("to-gzip")).containsOnly(CompressionType.GZIP);
        assertThat(storedCodecs("to-plain")).containsOnly(CompressionType.NONE);
        assertThat(storedCodecs("keep")).containsOnly(CompressionType.ZSTD);
        assertThat(offsets.get(19).offset()).isEqualTo(19);
        List<ConsumerRecord<String, String>> got = readFrom(new TopicPartition("to-gzip", 0), 0, 20);
        assertThat(got).extracting(ConsumerRecord::value).endsWith("value-19");
        assertThat(readFrom(new TopicPartition("to-plain", 0), 5, 15)).extracting(ConsumerRecord::value)
                .startsWith("value-5");
    }

    @Test
    void offsetsForTimesFindsTheFirstRecordAtOrAfterATime() throws Exception {
        createTopic("times", 1, Map.of());
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        long base = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < 10; i++) {
            producer.send(new ProducerRecord<>("times", 0, base + i * 1000L, "k", "v" + i)).get();
        }
        TopicPartition tp = new TopicPartition("times", 0);
        KafkaConsumer<String, String> consumer = BROKER.consumer(new Properties());
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(Map.of(tp, base + 4500));
        assertThat(found.get(tp).offset()).isEqualTo(5);
        assertThat(found.get(tp).timestamp()).isEqualTo(base + 5000);
        assertThat(consumer.offsetsForTimes(Map.of(tp, base + 100_000)).get(tp)).isNull();
        consumer.assign(List.of(tp));
        consumer.seek(tp, found.get(tp).offset());
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (got.size() < 5 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertThat(got).extracting(ConsumerRecord::value).containsExactly("v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void timestampTypeFollowsTheTopicConfigAndChangesLive() throws Exception {
        createTopic("stamps", 1, Map.of("message.timestamp.type", "LogAppendTime"));
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        long before = System.currentTimeMillis();
        producer.send(new ProducerRecord<>("stamps", 0, 1_000L, "k", "appended")).get();
        Admin admin = BROKER.admin();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "stamps");
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("message.timestamp.type", "CreateTime"), AlterConfigOp.OpType.SET)))).all().get();
        producer.send(new ProducerRecord<>("stamps", 0, 2_000L, "k", "created")).get();
        List<ConsumerRecord<String, String>> got = readFrom(new TopicPartition("stamps", 0), 0, 2);
        assertThat(got.get(0).timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(got.get(0).timestamp()).isGreaterThanOrEqualTo(before);
        assertThat(got.get(1).timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(got.get(1).timestamp()).isEqualTo(2_000L);
    }

    @Test
    void maxMessageBytesIsEnforced() throws Exception {
        createTopic("small", 1, Map.of("max.message.bytes", "2048"));
        KafkaProducer<String, String> producer = BROKER.producer(props(ProducerConfig.RETRIES_CONFIG, 0));
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("small", "x".repeat(10_000))).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);
        assertThat(producer.send(new ProducerRecord<>("small", "fits")).get().offset()).isZero();
    }

    @Test
    void concurrentProducersAcrossPartitionsLoseAndReorderNothing() throws Exception {
        int partitions = 6;
        int producers = 3;
        int perProducer = 300;
        createTopic("busy", partitions, Map.of());
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < producers; p++) {
            KafkaProducer<String, String> producer = BROKER.producer(props(ProducerConfig.LINGER_MS_CONFIG, 1));
            String name = "p" + p;
            threads.add(new Thread(() -> {
                try {
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int i = 0; i < perProducer; i++) {
                        sent.add(producer.send(new ProducerRecord<>("busy", i % partitions, name, name + "-" + i)));
                    }
                    for (Future<RecordMetadata> f : sent) {
                        f.get();
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        int perPartition = producers * perProducer / partitions;
        for (int p = 0; p < partitions; p++) {
            List<ConsumerRecord<String, String>> got = readFrom(new TopicPartition("busy", p), 0, perPartition);
            assertThat(got).hasSize(perPartition);
            Map<String, List<Integer>> byProducer = new java.util.HashMap<>();
            for (ConsumerRecord<String, String> r : got) {
                byProducer.computeIfAbsent(r.key(), k -> new ArrayList<>())
                        .add(Integer.parseInt(r.value().substring(r.value().indexOf('-') + 1)));
            }
            assertThat(byProducer).hasSize(producers);
            byProducer.values().forEach(seq -> assertThat(seq).isSorted().doesNotHaveDuplicates()
                    .hasSize(perProducer / partitions));
        }
    }

    @Test
    void autoCreatedTopicOnFirstProduce() throws Exception {
        KafkaProducer<String, String> producer = BROKER.producer(new Properties());
        RecordMetadata m = producer.send(new ProducerRecord<>("auto-topic", "hello")).get();
        assertThat(m.offset()).isZero();
        Collection<String> topics = BROKER.admin().listTopics().names().get();
        assertThat(topics).contains("auto-topic");
    }
}

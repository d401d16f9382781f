package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.protocol.KafkaWire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad requests against the whole broker over real sockets (reliability-and-bad-input.md §5 items 8, 16, 17 and
 * the admin edge cases): topic names Kafka forbids, absurd Fetch sizes and offsets, Metadata and CreateTopics
 * with 100k names, deep pipelining with one correlation id, unknown topic ids, DeleteRecords past the high
 * watermark, CreatePartitions shrinking or exploding. Each gets Kafka's error code; after each, a well-behaved
 * client still produces and fetches and every acknowledged record is intact; heap is measured across the lot.
 */
class RequestBadInputTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    private static final int MIB = 1024 * 1024;
    /** A 100k-name request may cost the JVM (client and broker) this much CPU: about 10x what it takes. */
    private static final long FLOOD_CPU_MS_MAX = 15_000;
    private static final long FLOOD_ALLOCATION_BYTES_MAX = 1024L * MIB;
    private static final int FLOOD_READ_TIMEOUT_MS = 120_000;
    private static final Canary CANARY = new Canary(BROKER, "canary");
    private static final Canary DATA = new Canary(BROKER, "data");
    private static final Canary PIPED = new Canary(BROKER, "piped");
    private static final HeapProbe.Barrage BARRAGE = new HeapProbe.Barrage();
    /** A two-byte topic name whose bytes are replaced by C3 28 (not UTF-8) after encoding. */
    private static final String PLACEHOLDER = "QZ";
    /** What kafka-clients decodes C3 28 to. */
    private static final String REPLACED = "\uFFFD(";

    @BeforeAll
    static void topics() throws Exception {
        CANARY.create();
        DATA.create();
        PIPED.create();
        BROKER.admin().createTopics(List.of(new NewTopic("two", 2, (short) 1), new NewTopic("grow", 2, (short) 1)))
                .all().get();
        try (RawClient client = new RawClient(BROKER.port())) {
            for (int i = 0; i < 3; i++) {
                List<String> values = List.of("d" + i + "a", "d" + i + "b");
                assertThat(Canary.produce(client, 12, "data", 0, -1, BadBatches.valid(Compression.NONE,
                        values.toArray(String[]::new))).errorCode()).isZero();
                DATA.acknowledged(values);
                for (int p = 0; p < 2; p++) {
                    assertThat(Canary.produce(client, 12, "two", p, -1, BadBatches.valid(Compression.NONE,
                            "t" + p + "-" + i)).errorCode()).isZero();
                }
            }
        }
        CANARY.roundTrip();
        BARRAGE.start();
    }

    @AfterAll
    static void report() {
        long heapGrowthBytes = BARRAGE.report();
        DATA.assertIntact();
        PIPED.assertIntact();
        CANARY.assertIntact();
        assertThat(heapGrowthBytes).as("heap growth over the barrage").isLessThan(64L * MIB);
    }

    // ------------------------------------------------------------------ topic names

    @Test
    void topicNamesKafkaForbidsAreRefusedEverywhere() throws IOException {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("250 characters", "n".repeat(250));
        names.put("30000 characters", "n".repeat(30_000));
        names.put("slash", "bad/name");
        names.put("space", "bad name");
        names.put("non-ASCII", "tōpic");
        names.put("NUL", "a\u0000b");
        names.put("dot", ".");
        names.put("dot dot", "..");
        names.put("empty", "");
        try (RawClient client = new RawClient(BROKER.port())) {
            for (Map.Entry<String, String> e : names.entrySet()) {
                String name = e.getValue();
                observe("Metadata (auto-create allowed), " + e.getKey(), metadataError(client, name),
                        Errors.INVALID_TOPIC_EXCEPTION);
                observe("CreateTopics, " + e.getKey(), createTopic(client, name, 1, false).errorCode(),
                        Errors.INVALID_TOPIC_EXCEPTION);
                observe("Produce, " + e.getKey(), Canary.produce(client, 12, name, 0, 1,
                        BadBatches.valid(Compression.NONE, "x")).errorCode(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
            // Invalid UTF-8 reaches the broker as U+FFFD (kafka-clients decodes with replacement): illegal name.
            MetadataResponse metadata = (MetadataResponse) withInvalidUtf8Name(client, ApiKeys.METADATA, 12,
                    new MetadataRequestData().setAllowAutoTopicCreation(true).setTopics(List.of(
                            new MetadataRequestTopic().setName(PLACEHOLDER))));
            MetadataResponseTopic topic = metadata.data().topics().iterator().next();
            assertThat(topic.name()).isEqualTo(REPLACED);
            observe("Metadata, invalid UTF-8 bytes C3 28", topic.errorCode(), Errors.INVALID_TOPIC_EXCEPTION);
            CreateTopicsResponse created = (CreateTopicsResponse) withInvalidUtf8Name(client, ApiKeys.CREATE_TOPICS,
                    7, new CreateTopicsRequestData().setTimeoutMs(10_000).setTopics(new CreatableTopicCollection(
                            List.of(new CreatableTopic().setName(PLACEHOLDER).setNumPartitions(1)
                                    .setReplicationFactor((short) 1)).iterator())));
            observe("CreateTopics, invalid UTF-8 bytes C3 28", created.data().topics().iterator().next().errorCode(),
                    Errors.INVALID_TOPIC_EXCEPTION);
            ProduceResponse produced = (ProduceResponse) withInvalidUtf8Name(client, ApiKeys.PRODUCE, 12,
                    Canary.produceRequest(PLACEHOLDER, 0, 1, BadBatches.valid(Compression.NONE, "x")));
            observe("Produce, invalid UTF-8 bytes C3 28", produced.data().responses().iterator().next()
                    .partitionResponses().get(0).errorCode(), Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        assertThat(BROKER.server().metadata().topics().keySet()).allMatch(n -> n.length() <= 249
                && n.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || "._-".indexOf(c) >= 0)));
        CANARY.roundTrip();
    }

    @Test
    void aTopicNameOfExactly249CharactersCanBeCreatedUsedDeletedAndRecreatedEmpty() throws IOException {
        String name = "L".repeat(249);
        try (RawClient client = new RawClient(BROKER.port())) {
            observe("CreateTopics, 249 characters", createTopic(client, name, 1, false).errorCode(), Errors.NONE);
            assertThat(Canary.produce(client, 12, name, 0, -1, BadBatches.valid(Compression.NONE, "old"))
                    .errorCode()).isZero();
            DeleteTopicsResponse deleted = client.send(ApiKeys.DELETE_TOPICS, 6, new DeleteTopicsRequestData()
                    .setTimeoutMs(10_000).setTopics(List.of(new DeleteTopicState().setName(name))));
            observe("DeleteTopics, 249 characters", deleted.data().responses().iterator().next().errorCode(),
                    Errors.NONE);
            observe("CreateTopics again, 249 characters", createTopic(client, name, 1, false).errorCode(),
                    Errors.NONE);
            assertThat(Canary.fetchValues(client, name, 0, 0)).as("the re-created topic starts empty").isEmpty();
        }
        CANARY.roundTrip();
    }

    // ------------------------------------------------------------------ fetch

    @Test
    void fetchWithHugeOrNegativeSizes() throws IOException {
        try (RawClient client = new RawClient(BROKER.port())) {
            PartitionData huge = Canary.fetch(client, Canary.fetchRequest("data", 0, 0, Integer.MAX_VALUE,
                    Integer.MAX_VALUE));
            observe("Fetch max_bytes and partition_max_bytes 2^31-1", huge.errorCode(), Errors.NONE);
            assertThat(Canary.values((MemoryRecords) huge.records(), 0)).hasSize(6);

            PartitionData negativePartition = Canary.fetch(client, Canary.fetchRequest("data", 0, 0, -1,
                    Integer.MAX_VALUE));
            observe("Fetch partition_max_bytes -1 (first partition: one whole batch, KIP-74)",
                    negativePartition.errorCode(), Errors.NONE);
            assertThat(Canary.values((MemoryRecords) negativePartition.records(), 0)).containsExactly("d0a", "d0b");

            for (int maxBytes : new int[] {-1, Integer.MIN_VALUE, 0}) {
                FetchResponse response = client.send(ApiKeys.FETCH, Canary.FETCH_VERSION, twoPartitionFetch(maxBytes));
                List<PartitionData> parts = response.data().responses().get(0).partitions();
                observe("Fetch max_bytes " + maxBytes + " over two partitions", parts.get(1).errorCode(), Errors.NONE);
                assertThat(Canary.values((MemoryRecords) parts.get(0).records(), 0)).as("first partition")
                        .containsExactly("t0-0");
                assertThat(parts.get(1).records().sizeInBytes()).as("second partition gets nothing").isZero();
            }
        }
        CANARY.roundTrip();
    }

    @Test
    void fetchOutOfRangeOffsets() throws IOException {
        try (RawClient client = new RawClient(BROKER.port())) {
            for (long offset : new long[] {-1, -5, Long.MIN_VALUE, 7, Long.MAX_VALUE}) {
                PartitionData data = Canary.fetch(client, Canary.fetchRequest("data", 0, offset, MIB, MIB));
                observe("Fetch offset " + offset + " (log end 6)", data.errorCode(), Errors.OFFSET_OUT_OF_RANGE);
            }
            PartitionData atEnd = Canary.fetch(client, Canary.fetchRequest("data", 0, 6, MIB, MIB));
            observe("Fetch offset 6 = log end (control)", atEnd.errorCode(), Errors.NONE);
            for (int partition : new int[] {-1, 2, Integer.MAX_VALUE}) {
                PartitionData data = Canary.fetch(client, Canary.fetchRequest("two", partition, 0, MIB, MIB));
                observe("Fetch partition " + partition + " of a 2-partition topic", data.errorCode(),
                        Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        CANARY.roundTrip();
    }

    // ------------------------------------------------------------------ floods

    @Test
    void metadataWith100kNamesIsAnsweredWithBoundedHeapAndTime() {
        List<MetadataRequestTopic> topics = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            topics.add(new MetadataRequestTopic().setName("absent.topic-" + i));
        }
        MetadataRequestData request = new MetadataRequestData().setAllowAutoTopicCreation(false).setTopics(topics);
        MetadataResponse response = measured("Metadata with 100k unknown names", () -> {
            try (RawClient client = new RawClient(BROKER.port(), FLOOD_READ_TIMEOUT_MS)) {
                return client.<MetadataResponse>send(ApiKeys.METADATA, 12, request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(response.data().topics()).hasSize(100_000)
                .allMatch(t -> t.errorCode() == Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        CANARY.roundTrip();
    }

    @Test
    void createTopicsWith100kNamesIsAnsweredWithBoundedHeapAndTime() {
        CreatableTopicCollection topics = new CreatableTopicCollection();
        for (int i = 0; i < 100_000; i++) {
            // '.' makes every name subject to the '.'/'_' collision check.
            topics.add(new CreatableTopic().setName("flood.topic-" + i).setNumPartitions(1)
                    .setReplicationFactor((short) 1));
        }
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTopics(topics).setTimeoutMs(30_000)
                .setValidateOnly(true);
        CreateTopicsResponse response = measured("CreateTopics validateOnly with 100k names", () -> {
            try (RawClient client = new RawClient(BROKER.port(), FLOOD_READ_TIMEOUT_MS)) {
                return client.<CreateTopicsResponse>send(ApiKeys.CREATE_TOPICS, 7, request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Map<Short, Long> byError = new LinkedHashMap<>();
        response.data().topics().forEach(t -> byError.merge(t.errorCode(), 1L, Long::sum));
        BARRAGE.observe("CreateTopics validateOnly with 100k names: results by error", byError.toString());
        assertThat(response.data().topics()).hasSize(100_000);
        // As a real create would: at most 10000 records (5000 one-partition topics) per request.
        assertThat(byError.get(Errors.NONE.code())).isEqualTo(5_000L);
        assertThat(byError.get(Errors.POLICY_VIOLATION.code())).isEqualTo(95_000L);
        assertThat(BROKER.server().metadata().topic("flood.topic-0")).isEmpty();
        CANARY.roundTrip();
    }

    // ------------------------------------------------------------------ pipelining

    @Test
    void deepPipeliningWithOneReusedCorrelationIdAnswersInOrder() throws Exception {
        int requests = 300;
        List<ApiKeys> sent = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            ApiKeys key = switch (i % 3) {
                case 0 -> ApiKeys.PRODUCE;
                case 1 -> ApiKeys.METADATA;
                default -> ApiKeys.API_VERSIONS;
            };
            sent.add(key);
            frames.add(switch (key) {
                case PRODUCE -> KafkaWire.request(key, (short) 12, 7, Canary.produceRequest("piped", 0, -1,
                        BadBatches.valid(Compression.NONE, "p" + i)));
                case METADATA -> KafkaWire.request(key, (short) 12, 7, new MetadataRequestData().setTopics(List.of(
                        new MetadataRequestTopic().setName("data"))).setAllowAutoTopicCreation(false));
                default -> KafkaWire.request(key, (short) 3, 7, new ApiVersionsRequestData()
                        .setClientSoftwareName("pipeline").setClientSoftwareVersion("1"));
            });
        }
        List<String> produced = new ArrayList<>();
        try (RawClient client = new RawClient(BROKER.port())) {
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    frames.forEach(client::write);
                } catch (RuntimeException e) {
                    writeFailure.set(e);
                }
            }, "pipeline-writer");
            writer.start();
            long lastOffset = -1;
            for (int i = 0; i < requests; i++) {
                ApiKeys key = sent.get(i);
                KafkaWire.Response r = client.read(key, key == ApiKeys.PRODUCE ? 12 : key == ApiKeys.METADATA ? 12 : 3);
                assertThat(r.correlationId()).isEqualTo(7);
                if (r.body() instanceof ProduceResponse produce) {
                    PartitionProduceResponse p = produce.data().responses().iterator().next().partitionResponses()
                            .get(0);
                    assertThat(p.errorCode()).isZero();
                    assertThat(p.baseOffset()).as("response %d in request order", i).isGreaterThan(lastOffset);
                    lastOffset = p.baseOffset();
                    produced.add("p" + i);
                } else if (r.body() instanceof MetadataResponse metadata) {
                    assertThat(metadata.data().topics().iterator().next().name()).isEqualTo("data");
                } else {
                    assertThat(((ApiVersionsResponse) r.body()).data().errorCode()).isZero();
                }
            }
            writer.join(10_000);
            assertThat(writeFailure.get()).isNull();
        }
        PIPED.acknowledged(produced);
        BARRAGE.observe("300 pipelined requests (Produce, Metadata, ApiVersions), correlation id 7 each",
                "300 responses in request order");
        PIPED.assertIntact();
        CANARY.roundTrip();
    }

    // ------------------------------------------------------------------ ids, DeleteRecords, CreatePartitions

    @Test
    void unknownOrZeroTopicIds() throws IOException {
        try (RawClient client = new RawClient(BROKER.port())) {
            for (Uuid id : List.of(Uuid.randomUuid(), Uuid.ZERO_UUID)) {
                String which = id.equals(Uuid.ZERO_UUID) ? "zero" : "unknown";
                MetadataResponse metadata = client.send(ApiKeys.METADATA, 12, new MetadataRequestData().setTopics(
                        List.of(new MetadataRequestTopic().setTopicId(id).setName(null))));
                short metadataError = metadata.data().topics().isEmpty() ? metadata.data().errorCode()
                        : metadata.data().topics().iterator().next().errorCode();
                observe("Metadata v12, " + which + " topic id, null name", metadataError,
                        id.equals(Uuid.ZERO_UUID) ? Errors.INVALID_REQUEST : Errors.UNKNOWN_TOPIC_ID);
                FetchResponse fetch = client.send(ApiKeys.FETCH, 13, new FetchRequestData().setMaxWaitMs(0)
                        .setMaxBytes(MIB).setSessionEpoch(-1).setTopics(List.of(new FetchTopic().setTopicId(id)
                                .setPartitions(List.of(new FetchPartition().setPartition(0).setFetchOffset(0)
                                        .setPartitionMaxBytes(MIB))))));
                observe("Fetch v13, " + which + " topic id",
                        fetch.data().responses().get(0).partitions().get(0).errorCode(), Errors.UNKNOWN_TOPIC_ID);
                DeleteTopicsResponse delete = client.send(ApiKeys.DELETE_TOPICS, 6, new DeleteTopicsRequestData()
                        .setTimeoutMs(10_000).setTopics(List.of(new DeleteTopicState().setTopicId(id))));
                observe("DeleteTopics v6, " + which + " topic id",
                        delete.data().responses().iterator().next().errorCode(),
                        id.equals(Uuid.ZERO_UUID) ? Errors.INVALID_REQUEST : Errors.UNKNOWN_TOPIC_ID);
            }
        }
        DATA.assertIntact();
        CANARY.roundTrip();
    }

    @Test
    void deleteRecordsBeyondTheHighWatermark() throws IOException {
        try (RawClient client = new RawClient(BROKER.port())) {
            for (long offset : new long[] {7, 1_000_000, Long.MAX_VALUE, -5, Long.MIN_VALUE}) {
                observe("DeleteRecords before " + offset + " (high watermark 6)", deleteRecords(client, "data", 0,
                        offset), Errors.OFFSET_OUT_OF_RANGE);
            }
            observe("DeleteRecords on partition 5 of a 1-partition topic", deleteRecords(client, "data", 5, 0),
                    Errors.UNKNOWN_TOPIC_OR_PARTITION);
            observe("DeleteRecords on an unknown topic", deleteRecords(client, "no-such-topic", 0, 0),
                    Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        DATA.assertIntact();
        CANARY.roundTrip();
    }

    @Test
    void createPartitionsThatShrinkOrExplode() throws IOException {
        try (RawClient client = new RawClient(BROKER.port())) {
            for (int count : new int[] {1, 2, 0, -1, Integer.MIN_VALUE}) {
                observe("CreatePartitions to " + count + " (has 2)", createPartitions(client, "grow", count),
                        Errors.INVALID_PARTITIONS);
            }
            long startNs = System.nanoTime();
            observe("CreatePartitions to 2^31-1", createPartitions(client, "grow", Integer.MAX_VALUE),
                    Errors.POLICY_VIOLATION);
            observe("CreatePartitions to 10003 (10001 more)", createPartitions(client, "grow", 10_003),
                    Errors.POLICY_VIOLATION);
            assertThat((System.nanoTime() - startNs) / 1_000_000).isLessThan(5_000);
            observe("CreatePartitions to 3 (control)", createPartitions(client, "grow", 3), Errors.NONE);
            CreateTopicsResponse huge = client.send(ApiKeys.CREATE_TOPICS, 7, new CreateTopicsRequestData()
                    .setTimeoutMs(10_000).setTopics(new CreatableTopicCollection(List.of(new CreatableTopic()
                            .setName("huge").setNumPartitions(Integer.MAX_VALUE).setReplicationFactor((short) 1))
                            .iterator())));
            observe("CreateTopics with 2^31-1 partitions", huge.data().topics().iterator().next().errorCode(),
                    Errors.POLICY_VIOLATION);
            observe("CreateTopics with replication factor 32767",
                    createTopic(client, "wide", 1, (short) 32767, false).errorCode(),
                    Errors.INVALID_REPLICATION_FACTOR);
        }
        assertThat(BROKER.server().metadata().topic("grow").orElseThrow().partitionCount()).isEqualTo(3);
        CANARY.roundTrip();
    }

    // ------------------------------------------------------------------ helpers

    /** Records and checks one case's answer, then checks another client is still served. */
    private static void observe(String name, short errorCode, Errors expected) {
        BARRAGE.observe(name, Errors.forCode(errorCode).name());
        assertThat(Errors.forCode(errorCode)).as(name).isEqualTo(expected);
        CANARY.roundTrip();
    }

    /**
     * Runs one flood request and bounds what it cost the whole JVM (client encoding and decoding included): CPU
     * time, not wall time, which on a shared machine says more about the machine than about the broker.
     */
    private static <T> T measured(String name, Supplier<T> call) {
        AtomicReference<T> result = new AtomicReference<>();
        HeapProbe.Cost cost = HeapProbe.measure(() -> result.set(call.get()));
        BARRAGE.observe(name, "answered: " + cost);
        assertThat(cost.cpuMs()).as(name + " CPU ms").isLessThan(FLOOD_CPU_MS_MAX);
        assertThat(cost.allocatedBytes()).as(name + " allocation").isLessThan(FLOOD_ALLOCATION_BYTES_MAX);
        return result.get();
    }

    private static short metadataError(RawClient client, String name) {
        MetadataResponse response = client.send(ApiKeys.METADATA, 12, new MetadataRequestData()
                .setAllowAutoTopicCreation(true).setTopics(List.of(new MetadataRequestTopic().setName(name))));
        return response.data().topics().iterator().next().errorCode();
    }

    /**
     * Sends {@code body}, encoded by kafka-clients, with the bytes of {@link #PLACEHOLDER} (a topic name) then
     * replaced by C3 28, which is not UTF-8, and returns the decoded response.
     */
    private static AbstractResponse withInvalidUtf8Name(RawClient client, ApiKeys key, int version,
            ApiMessage body) {
        byte[] frame = KafkaWire.request(key, (short) version, 99, body);
        int at = indexOf(frame, PLACEHOLDER.getBytes(StandardCharsets.UTF_8));
        frame[at] = (byte) 0xC3;
        frame[at + 1] = (byte) 0x28;
        client.write(frame);
        KafkaWire.Response response = client.read(key, version);
        assertThat(response.correlationId()).isEqualTo(99);
        return response.body();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("placeholder not found");
    }

    private static CreatableTopicResult createTopic(RawClient client, String name, int partitions,
            boolean validateOnly) {
        return createTopic(client, name, partitions, (short) 1, validateOnly);
    }

    private static CreatableTopicResult createTopic(RawClient client, String name, int partitions, short factor,
            boolean validateOnly) {
        CreateTopicsResponse response = client.send(ApiKeys.CREATE_TOPICS, 7, new CreateTopicsRequestData()
                .setTimeoutMs(10_000).setValidateOnly(validateOnly).setTopics(new CreatableTopicCollection(List.of(
                        new CreatableTopic().setName(name).setNumPartitions(partitions).setReplicationFactor(factor))
                        .iterator())));
        return response.data().topics().iterator().next();
    }

    private static FetchRequestData twoPartitionFetch(int maxBytes) {
        List<FetchPartition> partitions = List.of(
                new FetchPartition().setPartition(0).setFetchOffset(0).setPartitionMaxBytes(MIB),
                new FetchPartition().setPartition(1).setFetchOffset(0).setPartitionMaxBytes(MIB));
        return new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(maxBytes).setSessionId(0)
                .setSessionEpoch(-1).setTopics(List.of(new FetchTopic().setTopic("two").setPartitions(partitions)));
    }

    private static short deleteRecords(RawClient client, String topic, int partition, long offset) {
        DeleteRecordsResponse response = client.send(ApiKeys.DELETE_RECORDS, 2, new DeleteRecordsRequestData()
                .setTimeoutMs(10_000).setTopics(List.of(new DeleteRecordsTopic().setName(topic).setPartitions(
                        List.of(new DeleteRecordsPartition().setPartitionIndex(partition).setOffset(offset))))));
        return response.data().topics().iterator().next().partitions().iterator().next().errorCode();
    }

    private static short createPartitions(RawClient client, String topic, int count) {
        CreatePartitionsResponse response = client.send(ApiKeys.CREATE_PARTITIONS, 3, new CreatePartitionsRequestData()
                .setTimeoutMs(10_000).setTopics(new CreatePartitionsTopicCollection(List.of(
                        new CreatePartitionsTopic().setName(topic).setCount(count).setAssignments(null)).iterator())));
        return response.data().results().get(0).errorCode();
    }
}

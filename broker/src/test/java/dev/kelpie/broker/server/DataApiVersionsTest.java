package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Produce, Fetch, ListOffsets, InitProducerId, DeleteRecords and OffsetForLeaderEpoch over a raw socket at
 * their lowest and highest advertised versions (and the name/id switch-over versions), encoded and decoded
 * by kafka-clients at exactly that version.
 */
class DataApiVersionsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = new EmbeddedBroker();

    static Uuid dataId;
    static Uuid recordsId;
    static Uuid pfId;

    @BeforeAll
    static void topics() throws Exception {
        BROKER.admin().createTopics(List.of(new NewTopic("data", 1, (short) 1), new NewTopic("dr", 1, (short) 1),
                new NewTopic("poll", 1, (short) 1),
                new NewTopic("pf", 1, (short) 1), new NewTopic("tiny", 1, (short) 1))).all().get();
        dataId = BROKER.server().metadata().topic("data").orElseThrow().id();
        recordsId = BROKER.server().metadata().topic("dr").orElseThrow().id();
        pfId = BROKER.server().metadata().topic("pf").orElseThrow().id();
    }

    static MemoryRecords records(String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(1_000L + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, simple);
    }

    static PartitionProduceResponse produce(RawClient client, int version, String topic, Uuid id, int acks,
            MemoryRecords records) {
        TopicProduceData t = new TopicProduceData().setPartitionData(List.of(
                new PartitionProduceData().setIndex(0).setRecords(records)));
        if (version >= 13) {
            t.setTopicId(id);
        } else {
            t.setName(topic);
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) acks).setTimeoutMs(10_000)
                .setTopicData(new TopicProduceDataCollection(List.of(t).iterator()));
        ProduceResponse response = client.send(ApiKeys.PRODUCE, version, data);
        return response.data().responses().iterator().next().partitionResponses().get(0);
    }

    static FetchRequestData fetchRequest(int version, String topic, Uuid id, long offset, int maxWaitMs) {
        FetchTopic t = new FetchTopic().setPartitions(List.of(new FetchPartition().setPartition(0)
                .setFetchOffset(offset).setPartitionMaxBytes(1024 * 1024)));
        if (version >= 13) {
            t.setTopicId(id);
        } else {
            t.setTopic(topic);
        }
        return new FetchRequestData().setMaxWaitMs(maxWaitMs).setMinBytes(1).setMaxBytes(4 * 1024 * 1024)
                .setSessionId(0).setSessionEpoch(-1).setTopics(List.of(t));
    }

    static PartitionData fetch(RawClient client, int version, String topic, Uuid id, long offset) {
        FetchResponse response = client.send(ApiKeys.FETCH, version, fetchRequest(version, topic, id, offset, 0));
        assertThat(response.error()).isEqualTo(Errors.NONE);
        return response.data().responses().get(0).partitions().get(0);
    }

    static List<String> values(PartitionData data) {
        List<String> values = new ArrayList<>();
        for (Record r : ((MemoryRecords) data.records()).records()) {
            values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
        }
        return values;
    }

    @Test
    void produceAndFetchByNameAndByIdAtTheVersionBoundaries() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            int[] produceVersions = {3, 12, 13};
            for (int i = 0; i < produceVersions.length; i++) {
                int v = produceVersions[i];
                PartitionProduceResponse r = produce(client, v, "pf", pfId, -1, records("a" + v, "b" + v));
                assertThat(r.errorCode()).as("produce v%d", v).isEqualTo(Errors.NONE.code());
                assertThat(r.baseOffset()).as("produce v%d", v).isEqualTo(2L * i);
                if (v >= 5) {
                    assertThat(r.logStartOffset()).isZero();
                }
            }
            List<String> expected = List.of("a3", "b3", "a12", "b12", "a13", "b13");
            for (int v : new int[] {4, 12, 13, 18}) {
                PartitionData data = fetch(client, v, "pf", pfId, 0);
                assertThat(data.errorCode()).as("fetch v%d", v).isEqualTo(Errors.NONE.code());
                assertThat(data.highWatermark()).isEqualTo(6);
                assertThat(data.lastStableOffset()).isEqualTo(6);
                assertThat(values(data)).as("fetch v%d", v).isEqualTo(expected);
                assertThat(values(fetch(client, v, "pf", pfId, 4))).containsExactly("a13", "b13");
            }
        }
    }

    @Test
    void fetchReturnsOneWholeBatchEvenWithATinyBudget() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            Uuid id = BROKER.server().metadata().topic("tiny").orElseThrow().id();
            produce(client, 13, null, id, -1, records("big-1", "big-2"));
            produce(client, 13, null, id, -1, records("big-3"));
            FetchRequestData tiny = fetchRequest(18, null, id, 0, 0).setMaxBytes(1);
            tiny.topics().get(0).partitions().get(0).setPartitionMaxBytes(1);
            FetchResponse response = client.send(ApiKeys.FETCH, 18, tiny);
            assertThat(values(response.data().responses().get(0).partitions().get(0))).containsExactly("big-1", "big-2");
        }
    }

    @Test
    void produceAndFetchErrors() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            assertThat(produce(client, 13, null, Uuid.randomUuid(), -1, records("x")).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(produce(client, 3, "no-such-topic", null, 1, records("x")).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(produce(client, 9, "data", null, 2, records("x")).errorCode())
                    .isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
            assertThat(fetch(client, 4, "data", null, 10_000).errorCode())
                    .isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
            assertThat(fetch(client, 13, null, Uuid.randomUuid(), 0).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_ID.code());
            assertThat(fetch(client, 12, "nope", null, 0).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            FetchResponse session = client.send(ApiKeys.FETCH, 18,
                    fetchRequest(18, "data", dataId, 0, 0).setSessionId(77).setSessionEpoch(3));
            assertThat(session.error()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
    }

    @Test
    void acksZeroGetsNoResponseAndIsAppended() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            long before = listOffset(client, 11, "dr", -1).offset();
            ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000)
                    .setTopicData(new TopicProduceDataCollection(List.of(new TopicProduceData().setName("dr")
                            .setPartitionData(List.of(new PartitionProduceData().setIndex(0)
                                    .setRecords(records("fire", "forget"))))).iterator()));
            client.sendOnly(ApiKeys.PRODUCE, 12, data);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> listOffset(client, 11, "dr", -1).offset() == before + 2);
        }
    }

    @Test
    void acksZeroWithAnErrorClosesTheConnection() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000)
                    .setTopicData(new TopicProduceDataCollection(List.of(new TopicProduceData().setName("absent")
                            .setPartitionData(List.of(new PartitionProduceData().setIndex(0)
                                    .setRecords(records("lost"))))).iterator()));
            client.sendOnly(ApiKeys.PRODUCE, 12, data);
            assertThat(client.awaitClosed()).isTrue();
        }
    }

    @Test
    void fetchLongPollsUntilDataArrivesOrTheWaitEnds() throws Exception {
        try (RawClient waiting = new RawClient(BROKER.port()); RawClient producer = new RawClient(BROKER.port())) {
            long start = System.nanoTime();
            FetchResponse empty = waiting.send(ApiKeys.FETCH, 18, fetchRequest(18, "poll", null, 0, 300)
                    .setTopics(List.of(new FetchTopic().setTopicId(BROKER.server().metadata().topic("poll")
                            .orElseThrow().id()).setPartitions(List.of(new FetchPartition().setPartition(0)
                            .setFetchOffset(0).setPartitionMaxBytes(1 << 20))))));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMs).isGreaterThanOrEqualTo(250);
            assertThat(empty.data().responses().get(0).partitions().get(0).records().sizeInBytes()).isZero();

            CompletableFuture<PartitionData> longPoll = CompletableFuture.supplyAsync(() -> {
                FetchResponse r = waiting.send(ApiKeys.FETCH, 11, fetchRequest(11, "poll", null, 0, 20_000));
                return r.data().responses().get(0).partitions().get(0);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> BROKER.server().partitionManager().purgatory()
                    .watching(new org.apache.kafka.common.TopicPartition("poll", 0)) == 1);
            long produced = System.nanoTime();
            assertThat(produce(producer, 13, null, BROKER.server().metadata().topic("poll").orElseThrow().id(), 1,
                    records("wake")).errorCode()).isZero();
            PartitionData woken = longPoll.get();
            assertThat((System.nanoTime() - produced) / 1_000_000).isLessThan(5_000);
            assertThat(values(woken)).containsExactly("wake");
        }
    }

    static ListOffsetsPartitionResponse listOffset(RawClient client, int version, String topic, long timestamp) {
        ListOffsetsRequestData data = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsTopic().setName(topic).setPartitions(List.of(
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp)))));
        ListOffsetsResponse response = client.send(ApiKeys.LIST_OFFSETS, version, data);
        return response.data().topics().get(0).partitions().get(0);
    }

    @Test
    void listOffsetsAtLowestAndHighestVersion() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            produce(client, 13, null, dataId, -1, records("t0", "t1", "t2"));
            long end = listOffset(client, 11, "data", -1).offset();
            ListOffsetsPartitionResponse latestV1 = listOffset(client, 1, "data", -1);
            assertThat(latestV1.errorCode()).isZero();
            assertThat(latestV1.offset()).isEqualTo(end);
            assertThat(latestV1.leaderEpoch()).isEqualTo(-1);
            assertThat(listOffset(client, 1, "data", -2).offset()).isZero();
            ListOffsetsPartitionResponse latest = listOffset(client, 11, "data", -1);
            assertThat(latest.leaderEpoch()).isZero();
            ListOffsetsPartitionResponse max = listOffset(client, 11, "data", -3);
            assertThat(max.offset()).isBetween(0L, end - 1);
            assertThat(max.timestamp()).isGreaterThanOrEqualTo(1_000L);
            ListOffsetsPartitionResponse byTime = listOffset(client, 11, "data", 1_001);
            assertThat(byTime.timestamp()).isGreaterThanOrEqualTo(1_001L);
            assertThat(listOffset(client, 11, "data", 10_000_000L).offset()).isEqualTo(-1);
            assertThat(listOffset(client, 11, "data", -5).offset()).isEqualTo(-1);
            assertThat(listOffset(client, 11, "missing", -1).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
    }

    @Test
    void initProducerIdAtLowestAndHighestVersion() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            InitProducerIdResponse v0 = client.send(ApiKeys.INIT_PRODUCER_ID, 0,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000));
            assertThat(v0.error()).isEqualTo(Errors.NONE);
            assertThat(v0.data().producerEpoch()).isZero();
            InitProducerIdResponse fresh = client.send(ApiKeys.INIT_PRODUCER_ID, 5,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000)
                            .setProducerId(-1).setProducerEpoch((short) -1));
            assertThat(fresh.data().producerId()).isNotEqualTo(v0.data().producerId());
            InitProducerIdResponse bumped = client.send(ApiKeys.INIT_PRODUCER_ID, 5,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000)
                            .setProducerId(fresh.data().producerId()).setProducerEpoch((short) 0));
            assertThat(bumped.data().producerId()).isEqualTo(fresh.data().producerId());
            assertThat(bumped.data().producerEpoch()).isEqualTo((short) 1);
            InitProducerIdResponse unknown = client.send(ApiKeys.INIT_PRODUCER_ID, 5,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(1000)
                            .setProducerId(999_999_999L).setProducerEpoch((short) 0));
            assertThat(unknown.error()).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            InitProducerIdResponse transactional = client.send(ApiKeys.INIT_PRODUCER_ID, 5,
                    new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(1000));
            assertThat(transactional.error()).isEqualTo(Errors.UNSUPPORTED_VERSION);
        }
    }

    static long deleteRecords(RawClient client, int version, long offset, Errors expected) {
        DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000).setTopics(List.of(
                new DeleteRecordsTopic().setName("dr").setPartitions(List.of(
                        new DeleteRecordsPartition().setPartitionIndex(0).setOffset(offset)))));
        DeleteRecordsResponse response = client.send(ApiKeys.DELETE_RECORDS, version, data);
        var result = response.data().topics().iterator().next().partitions().iterator().next();
        assertThat(result.errorCode()).isEqualTo(expected.code());
        return result.lowWatermark();
    }

    @Test
    void deleteRecordsAtLowestAndHighestVersion() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            for (int i = 0; i < 5; i++) {
                produce(client, 13, null, recordsId, -1, records("d" + i, "e" + i));
            }
            long end = listOffset(client, 11, "dr", -1).offset();
            assertThat(deleteRecords(client, 0, 4, Errors.NONE)).isEqualTo(4);
            assertThat(listOffset(client, 11, "dr", -2).offset()).isEqualTo(4);
            assertThat(deleteRecords(client, 2, end + 1, Errors.OFFSET_OUT_OF_RANGE)).isEqualTo(-1);
            assertThat(deleteRecords(client, 2, -1, Errors.NONE)).isEqualTo(end);
            assertThat(fetch(client, 18, "dr", recordsId, 0).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        }
    }

    @Test
    void offsetForLeaderEpochAtLowestAndHighestVersion() throws Exception {
        try (RawClient client = new RawClient(BROKER.port())) {
            produce(client, 13, null, dataId, -1, records("e"));
            long end = BROKER.server().partitionManager().partition(new org.apache.kafka.common.TopicPartition("data", 0))
                    .orElseThrow().log().logEndOffset();
            for (int v : new int[] {2, 4}) {
                EpochEndOffset ok = offsetForEpoch(client, v, -1, 0);
                assertThat(ok.errorCode()).isZero();
                assertThat(ok.leaderEpoch()).isZero();
                assertThat(ok.endOffset()).isEqualTo(end);
                assertThat(offsetForEpoch(client, v, 5, 0).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
            }
        }
    }

    private static EpochEndOffset offsetForEpoch(RawClient client, int version, int current, int epoch) {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1)
                .setTopics(new OffsetForLeaderTopicCollection(List.of(new OffsetForLeaderTopic().setTopic("data")
                        .setPartitions(List.of(new OffsetForLeaderPartition().setPartition(0)
                                .setCurrentLeaderEpoch(current).setLeaderEpoch(epoch)))).iterator()));
        OffsetsForLeaderEpochResponse response = client.send(ApiKeys.OFFSET_FOR_LEADER_EPOCH, version, data);
        return response.data().topics().iterator().next().partitions().get(0);
    }
}

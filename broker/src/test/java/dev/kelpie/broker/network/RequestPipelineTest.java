package dev.kelpie.broker.network;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.log.FileSlice;
import dev.kelpie.broker.protocol.KafkaWire;
import io.netty.buffer.ByteBuf;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole per-connection pipeline on an {@code EmbeddedChannel}: framing, ordering, back-pressure, errors. */
class RequestPipelineTest {
    private static final short DESCRIBE_CLUSTER_V = 1;
    private static final short FETCH_V = 18;
    private static final long READ_TIMEOUT_MS = 500;

    @TempDir
    Path dir;

    private final ScriptedHandler handler = new ScriptedHandler();
    private TestChannel channel = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler);

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Test
    void framesSplitAcrossReadsOrPackedIntoOneAreAllDecoded() {
        byte[] first = describeCluster(1);
        for (byte b : first) {
            channel.receive(new byte[] {b});
        }
        assertThat(handler.calls).hasSize(1);

        channel.receive(describeCluster(2), describeCluster(3), Arrays.copyOf(describeCluster(4), 7));

        assertThat(handler.calls).extracting(ScriptedHandler.Call::correlationId).containsExactly(1, 2, 3);
        assertThat(handler.call(0).context().clientAddress()).isEqualTo(TestChannel.PEER);
        assertThat(handler.call(0).context().listenerName()).isEqualTo("PLAINTEXT");
        assertThat(handler.call(0).context().clientId()).isEqualTo(KafkaWire.CLIENT_ID);
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 1, 9, 1024 * 1024 + 1, Integer.MAX_VALUE})
    void closesOnADeclaredSizeOutsideTheLimitsWithoutWaitingForTheBody(int declaredSize) {
        channel.receive(KafkaWire.sizePrefix(declaredSize));

        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void cutsAFrameThatStopsArrivingAtTheDeadline() {
        channel.freezeTime();
        byte[] request = describeCluster(1);
        channel.receive(Arrays.copyOf(request, 10));

        advanceMs(READ_TIMEOUT_MS - 1);
        assertThat(channel.isOpen()).isTrue();
        advanceMs(2);

        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void theFrameDeadlineIsATotalSoTricklingDoesNotExtendIt() {
        channel.freezeTime();
        byte[] request = describeCluster(1);
        for (int i = 0; i < 4; i++) {
            channel.receive(new byte[] {request[i]});
            advanceMs(READ_TIMEOUT_MS / 5);
        }
        assertThat(channel.isOpen()).isTrue();

        advanceMs(READ_TIMEOUT_MS / 5 + 1);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void timeReadingIsPausedDoesNotCountAgainstTheFrameDeadline() {
        channel.close();
        channel = TestChannel.open(TestChannel.config(1, READ_TIMEOUT_MS), handler);
        channel.freezeTime();
        channel.receive(describeCluster(1), Arrays.copyOf(describeCluster(2), 10));
        assertThat(channel.config().isAutoRead()).isFalse();

        advanceMs(3 * READ_TIMEOUT_MS);
        assertThat(channel.isOpen()).isTrue();

        handler.call(0).stage().complete(describeClusterResponse(1));
        assertThat(channel.config().isAutoRead()).isTrue();
        advanceMs(READ_TIMEOUT_MS + 1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void closesIdleConnections() {
        channel.freezeTime();

        // The idle clock started when the channel opened, a little before the freeze.
        advanceMs(59_000);
        assertThat(channel.isOpen()).isTrue();
        advanceMs(1_001);

        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void responsesLeaveInRequestOrderWhateverOrderStagesCompleteIn() {
        channel.receive(describeCluster(1), describeCluster(2), describeCluster(3));

        handler.call(2).stage().complete(describeClusterResponse(3));
        handler.call(1).stage().complete(describeClusterResponse(2));
        assertThat(channel.sentFrames()).isEmpty();
        handler.call(0).stage().complete(describeClusterResponse(1));

        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1, 2, 3);
    }

    @Test
    void responsesCompletedOnOtherThreadsStillLeaveInOrder() throws Exception {
        channel.receive(describeCluster(1), describeCluster(2));

        Thread second = new Thread(() -> handler.call(1).stage().complete(describeClusterResponse(2)));
        second.start();
        second.join();
        handler.call(0).stage().complete(describeClusterResponse(1));
        channel.runPendingTasks();

        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1, 2);
    }

    @Test
    void acksZeroProduceGetsNoResponseButKeepsItsPlaceInLine() {
        channel.receive(describeCluster(1), produce(2, (short) 0), describeCluster(3));

        handler.call(2).stage().complete(describeClusterResponse(3));
        handler.call(0).stage().complete(describeClusterResponse(1));
        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1);
        handler.call(1).stage().complete(null);

        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(3);
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aProduceRequestReadsItsRecordsInPlaceUntilItsStageCompletes() {
        // the test holds one reference of its own, so the count shows what the pipeline still holds
        ByteBuf read = channel.receiveDirect(describeCluster(1), produce(2, (short) 1));

        assertThat(read.refCnt()).as("the produce request still aliases the read buffer").isEqualTo(2);
        MemoryRecords records = (MemoryRecords) ((ProduceRequest) handler.call(1).request()).data().topicData()
                .iterator().next().partitionData().get(0).records();
        assertThat(records.buffer().isDirect()).isTrue();
        assertThat(records.records().iterator().next().value()).isEqualTo(ByteBuffer.wrap("v".getBytes(UTF_8)));

        handler.call(1).stage().complete(null);
        assertThat(read.refCnt()).isEqualTo(1);
        read.release();
    }

    @Test
    void aProduceBufferOutlivesItsClosedConnectionUntilTheStageCompletes() {
        ByteBuf read = channel.receiveDirect(produce(1, (short) -1), produce(2, (short) -1));
        channel.close();

        assertThat(read.refCnt()).as("both stages may still be reading the records").isEqualTo(3);
        handler.call(0).stage().completeExceptionally(new NotControllerException("moved"));
        handler.call(1).stage().complete(null);
        assertThat(read.refCnt()).isEqualTo(1);
        read.release();
    }

    @Test
    void otherRequestsAreCopiedOutOfTheReadBuffer() {
        ByteBuf read = channel.receiveDirect(describeCluster(1), fetch(2));

        assertThat(handler.calls).hasSize(2);
        assertThat(read.refCnt()).isEqualTo(1);
        read.release();
    }

    @Test
    void aFailedAcksZeroProduceClosesTheConnectionAfterEarlierResponses() {
        channel.receive(describeCluster(1), produce(2, (short) 0), describeCluster(3));

        handler.call(0).stage().complete(describeClusterResponse(1));
        handler.call(1).stage().completeExceptionally(new NotControllerException("moved"));
        handler.call(2).stage().complete(describeClusterResponse(3));

        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void readingPausesAtTheInFlightLimitAndFurtherRequestsWaitUndispatched() {
        channel.close();
        channel = TestChannel.open(TestChannel.config(2, READ_TIMEOUT_MS), handler);

        channel.receive(describeCluster(1), describeCluster(2), describeCluster(3));
        assertThat(handler.calls).hasSize(2);
        assertThat(channel.config().isAutoRead()).isFalse();

        handler.call(0).stage().complete(describeClusterResponse(1));
        assertThat(handler.calls).hasSize(3);
        assertThat(channel.config().isAutoRead()).isFalse();

        handler.call(1).stage().complete(describeClusterResponse(2));
        assertThat(channel.config().isAutoRead()).isTrue();
        handler.call(2).stage().complete(describeClusterResponse(3));
        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1, 2, 3);
    }

    @Test
    void readingPausesWhileTheChannelIsNotWritable() {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isFalse();

        channel.receive(describeCluster(1));
        assertThat(handler.calls).isEmpty();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        channel.runPendingTasks();
        assertThat(handler.calls).hasSize(1);
        assertThat(channel.config().isAutoRead()).isTrue();
    }

    @Test
    void aStageFailingWithAKafkaErrorIsAnsweredWithThatError() {
        channel.receive(describeCluster(1), describeCluster(2));

        handler.call(0).stage().completeExceptionally(new NotControllerException("not me"));
        handler.call(1).stage().completeExceptionally(new CompletionException(new NotControllerException("wrapped")));

        assertThat(describeClusterErrors()).containsExactly(Errors.NOT_CONTROLLER, Errors.NOT_CONTROLLER);
    }

    @Test
    void anyOtherFailureIsAnsweredUnknownServerError() {
        RequestHandler throwing = (context, request) -> {
            throw new IllegalStateException("handler bug");
        };
        channel.close();
        channel = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), throwing);
        channel.receive(describeCluster(1));
        assertThat(describeClusterErrors()).containsExactly(Errors.UNKNOWN_SERVER_ERROR);

        channel.close();
        channel = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler);
        channel.receive(describeCluster(1), describeCluster(2));
        handler.call(0).stage().completeExceptionally(new ArithmeticException("bug"));
        handler.call(1).stage().complete(null);
        assertThat(describeClusterErrors()).containsExactly(Errors.UNKNOWN_SERVER_ERROR, Errors.UNKNOWN_SERVER_ERROR);
    }

    @Test
    void aResponseThatCannotBeEncodedAtItsVersionIsAnsweredUnknownServerError() {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequestData.ListOffsetsTopic().setName("t").setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))));
        channel.receive(KafkaWire.request(ApiKeys.LIST_OFFSETS, (short) 1, 1, request));

        // leaderEpoch exists from v4 only.
        handler.call(0).stage().complete(new ListOffsetsResponse(new ListOffsetsResponseData().setTopics(List.of(
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName("t").setPartitions(List.of(
                        new ListOffsetsResponseData.ListOffsetsPartitionResponse().setPartitionIndex(0).setOffset(5)
                                .setLeaderEpoch(7)))))));

        List<ByteBuffer> frames = channel.sentFrames();
        assertThat(frames).hasSize(1);
        KafkaWire.Response response = KafkaWire.response(frames.get(0), ApiKeys.LIST_OFFSETS, (short) 1);
        assertThat(response.correlationId()).isEqualTo(1);
        ListOffsetsResponse body = (ListOffsetsResponse) response.body();
        assertThat(body.data().topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_SERVER_ERROR.code());
    }

    @Test
    void fileSlicesLeaveAsFileRegionsAndAreReleasedOnceWritten() throws IOException {
        MemoryRecords records = records("a", "b");
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = segmentHolding(records)) {
            channel.receive(fetch(1));

            handler.call(0).stage().complete(fetchResponse(new FileSlice(file, 0, records.sizeInBytes(),
                    releases::incrementAndGet)));

            assertThat(channel.outboundMessages()).anyMatch(FileRegion.class::isInstance);
            assertThat(releases).hasValue(0);
            List<ByteBuffer> frames = channel.sentFrames();
            assertThat(releases).hasValue(1);
            assertThat(file.isOpen()).isTrue();
            FetchResponse response = (FetchResponse) KafkaWire.response(frames.get(0), ApiKeys.FETCH, FETCH_V).body();
            BaseRecords received = response.data().responses().get(0).partitions().get(0).records();
            assertThat(((MemoryRecords) received).buffer()).isEqualTo(records.buffer());
        }
    }

    @Test
    void fileSlicesOfResponsesDroppedByAClosedConnectionAreReleasedOnce() throws IOException {
        MemoryRecords records = records("a");
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = segmentHolding(records)) {
            channel.receive(fetch(1), fetch(2), fetch(3));
            handler.call(1).stage().complete(fetchResponse(new FileSlice(file, 0, 10, releases::incrementAndGet)));

            channel.close();
            assertThat(releases).hasValue(1);

            handler.call(0).stage().complete(fetchResponse(new FileSlice(file, 0, 10, releases::incrementAndGet)));
            Thread late = new Thread(() -> handler.call(2).stage().complete(
                    fetchResponse(new FileSlice(file, 0, 10, releases::incrementAndGet))));
            late.start();
            joinQuietly(late);
            channel.runPendingTasks();

            assertThat(releases).hasValue(3);
            assertThat(channel.outboundMessages()).isEmpty();
            assertThat(file.isOpen()).isTrue();
        }
    }

    @Test
    void aTooNewApiVersionsRequestIsAnsweredWithV0InItsTurn() {
        channel.receive(describeCluster(1),
                KafkaWire.request(ApiKeys.API_VERSIONS, (short) 99, 2, new ApiVersionsRequestData()));
        assertThat(handler.calls).hasSize(1);
        assertThat(channel.sentFrames()).isEmpty();

        handler.call(0).stage().complete(describeClusterResponse(1));

        List<ByteBuffer> frames = channel.sentFrames();
        assertThat(frames).hasSize(2);
        KafkaWire.Response apiVersions = KafkaWire.response(frames.get(1), ApiKeys.API_VERSIONS, (short) 0);
        assertThat(apiVersions.correlationId()).isEqualTo(2);
        ApiVersionsResponse body = (ApiVersionsResponse) apiVersions.body();
        assertThat(body.data().errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
        assertThat(body.data().apiKeys()).hasSize(TestChannel.API_VERSIONS.implemented().size());
    }

    @Test
    void unknownApiKeysAndUnservedVersionsCloseTheConnection() {
        channel.receive(KafkaWire.rawRequest(1000, 0, 1, new byte[0]));
        assertThat(channel.isOpen()).isFalse();

        channel = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler);
        channel.receive(KafkaWire.rawRequest(ApiKeys.PRODUCE.id, 2, 1, new byte[20]));
        assertThat(channel.isOpen()).isFalse();

        channel = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler);
        channel.receive(KafkaWire.rawRequest(ApiKeys.JOIN_GROUP.id, 5, 1, new byte[20]));
        assertThat(channel.isOpen()).isFalse();
        assertThat(handler.calls).isEmpty();
    }

    @Test
    void drainingAnswersWhatWasReadThenCloses() {
        channel.receive(describeCluster(1));

        channel.pipeline().fireUserEventTriggered(RequestDispatcher.Drain.INSTANCE);
        assertThat(channel.config().isAutoRead()).isFalse();
        channel.receive(describeCluster(2));
        assertThat(handler.calls).hasSize(1);
        assertThat(channel.isOpen()).isTrue();

        handler.call(0).stage().complete(describeClusterResponse(1));

        assertThat(channel.sentCorrelationIds(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V)).containsExactly(1);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void connectionLimitsRefuseByClosingAndFreeSlotsOnClose() {
        ConnectionLimiter perIp = new ConnectionLimiter(100, 1);
        TestChannel first = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, perIp);
        TestChannel second = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, perIp);
        assertThat(first.isOpen()).isTrue();
        assertThat(second.isOpen()).isFalse();
        first.close();
        TestChannel third = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, perIp);
        assertThat(third.isOpen()).isTrue();
        assertThat(perIp.refused()).isEqualTo(1);
        third.close();

        ConnectionLimiter total = new ConnectionLimiter(2, 100);
        TestChannel a = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, total);
        TestChannel b = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, total);
        TestChannel c = TestChannel.open(TestChannel.config(5, READ_TIMEOUT_MS), handler, total);
        assertThat(List.of(a.isOpen(), b.isOpen(), c.isOpen())).containsExactly(true, true, false);
        a.close();
        b.close();
    }

    private void advanceMs(long ms) {
        channel.advanceTimeBy(ms, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private List<Errors> describeClusterErrors() {
        return channel.sentFrames().stream()
                .map(frame -> (DescribeClusterResponse) KafkaWire.response(frame, ApiKeys.DESCRIBE_CLUSTER,
                        DESCRIBE_CLUSTER_V).body())
                .map(response -> Errors.forCode(response.data().errorCode()))
                .toList();
    }

    private static byte[] describeCluster(int correlationId) {
        return KafkaWire.request(ApiKeys.DESCRIBE_CLUSTER, DESCRIBE_CLUSTER_V, correlationId,
                new DescribeClusterRequestData());
    }

    private static DescribeClusterResponse describeClusterResponse(int correlationId) {
        return new DescribeClusterResponse(new DescribeClusterResponseData().setClusterId("cluster-" + correlationId));
    }

    private static byte[] produce(int correlationId, short acks) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(1000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records("v")))));
        return KafkaWire.request(ApiKeys.PRODUCE, (short) 11, correlationId, data);
    }

    private static byte[] fetch(int correlationId) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).setTopics(List.of(new FetchRequestData.FetchTopic().setTopicId(new Uuid(7, 7))
                        .setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                                .setPartitionMaxBytes(1 << 20)))));
        return KafkaWire.request(ApiKeys.FETCH, FETCH_V, correlationId, data);
    }

    private static FetchResponse fetchResponse(BaseRecords records) {
        FetchResponseData data = new FetchResponseData();
        data.responses().add(new FetchResponseData.FetchableTopicResponse().setTopicId(new Uuid(7, 7))
                .setPartitions(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(2)
                        .setRecords(records))));
        return FetchResponse.of(data);
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] simple = Arrays.stream(values)
                .map(value -> new SimpleRecord(value.getBytes(StandardCharsets.UTF_8))).toArray(SimpleRecord[]::new);
        return MemoryRecords.withRecords(Compression.NONE, simple);
    }

    private FileChannel segmentHolding(MemoryRecords records) throws IOException {
        Path path = Files.createTempFile(dir, "segment", ".log");
        try (FileChannel writer = FileChannel.open(path, StandardOpenOption.WRITE)) {
            writer.write(records.buffer());
            writer.force(true);
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

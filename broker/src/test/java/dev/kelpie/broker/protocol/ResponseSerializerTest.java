package dev.kelpie.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.log.FileSlice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResponseSerializerTest {
    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;

    @TempDir
    Path dir;

    @Test
    void matchesKafkaClientsSerializationForFlexibleAndNonFlexibleVersions() {
        MetadataResponseData metadata = new MetadataResponseData().setClusterId("cluster-ä").setControllerId(1);
        metadata.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("localhost")
                .setPort(9092));
        metadata.topics().add(new MetadataResponseData.MetadataResponseTopic().setName("topic")
                .setTopicId(Uuid.randomUuid()).setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition()
                        .setPartitionIndex(0).setLeaderId(1).setReplicaNodes(List.of(1)).setIsrNodes(List.of(1)))));
        for (short version : new short[] {0, 8}) {
            assertSameAsKafkaClients(ApiKeys.METADATA, version, metadata);
        }
        metadata.unknownTaggedFields().add(new RawTaggedField(99, new byte[] {1, 2, 3}));
        for (short version : new short[] {9, 13}) {
            assertSameAsKafkaClients(ApiKeys.METADATA, version, metadata);
        }
        ApiVersionsResponseData apiVersions = new ApiVersionsResponseData()
                .setApiKeys(new ApiVersionsResponder(java.util.Set.of(ApiKeys.METADATA)).apiVersions());
        for (short version = 0; version <= ApiKeys.API_VERSIONS.latestVersion(); version++) {
            assertSameAsKafkaClients(ApiKeys.API_VERSIONS, version, apiVersions);
        }
    }

    @Test
    void sendsMemoryRecordsWithoutCopying() {
        MemoryRecords records = records("a", "b", "c");
        FetchResponseData fetch = fetchWith(records);

        List<Object> parts = ResponseSerializer.serialize(5, ApiKeys.FETCH, (short) 16, fetch, ALLOCATOR);

        assertThat(parts).hasSize(3);
        ByteBuf recordsPart = (ByteBuf) parts.get(1);
        assertThat(recordsPart.nioBuffer()).isEqualTo(records.buffer());
        assertThat(recordsPart.hasArray() && recordsPart.array() == records.buffer().array()).isTrue();
        assertThat(Parts.drainAll(parts)).isEqualTo(kafkaClientsFrame(ApiKeys.FETCH, (short) 16, 5, fetch));
    }

    @Test
    void sendsFileSlicesAsFileRegionsReleasedExactlyOnceAndNeverClosingTheFile() throws IOException {
        MemoryRecords records = records("x", "y");
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = fileHolding(records)) {
            FileSlice slice = new FileSlice(file, 3, records.sizeInBytes(), releases::incrementAndGet);

            List<Object> parts = ResponseSerializer.serialize(9, ApiKeys.FETCH, (short) 18, fetchWith(slice),
                    ALLOCATOR);

            FileRegion region = (FileRegion) parts.get(1);
            assertThat(region.position()).isEqualTo(3);
            assertThat(region.count()).isEqualTo(records.sizeInBytes());
            assertThat(releases).hasValue(0);
            byte[] sent = Parts.drainAll(parts);
            assertThat(releases).hasValue(1);
            assertThat(slice.isReleased()).isTrue();
            assertThat(file.isOpen()).isTrue();
            assertThat(sent).isEqualTo(kafkaClientsFrame(ApiKeys.FETCH, (short) 18, 9, fetchWith(records)));
            FetchResponse parsed = (FetchResponse) KafkaWire.response(ByteBuffer.wrap(sent, 4, sent.length - 4),
                    ApiKeys.FETCH, (short) 18).body();
            MemoryRecords received = (MemoryRecords) parsed.data().responses().get(0).partitions().get(0).records();
            assertThat(received.buffer()).isEqualTo(records.buffer());
        }
    }

    @Test
    void releasesAnEmptyFileSliceAtOnce() throws IOException {
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = fileHolding(records("x"))) {
            FileSlice empty = new FileSlice(file, 0, 0, releases::incrementAndGet);

            List<Object> parts = ResponseSerializer.serialize(1, ApiKeys.FETCH, (short) 18, fetchWith(empty), ALLOCATOR);

            assertThat(releases).hasValue(1);
            assertThat(parts).noneMatch(FileRegion.class::isInstance);
            Parts.drainAll(parts);
        }
    }

    @Test
    void discardReleasesEveryFileSlice() throws IOException {
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = fileHolding(records("x"))) {
            FetchResponseData fetch = new FetchResponseData();
            for (int partition = 0; partition < 3; partition++) {
                fetch.responses().add(topicWith(partition, new FileSlice(file, 0, 10, releases::incrementAndGet)));
            }

            ResponseSerializer.discard(fetch, (short) 18);

            assertThat(releases).hasValue(3);
            assertThat(file.isOpen()).isTrue();
        }
    }

    @Test
    void aBodyThatCannotBeWrittenReleasesThePartsMadeSoFar() throws IOException {
        AtomicInteger releases = new AtomicInteger();
        try (FileChannel file = fileHolding(records("x"))) {
            FetchResponseData fetch = new FetchResponseData();
            fetch.responses().add(topicWith(0, new FileSlice(file, 0, 10, releases::incrementAndGet)));
            // preferredReadReplica exists from v11: writing it at v10 is a programmer error.
            FetchResponseData.FetchableTopicResponse second = topicWith(1, MemoryRecords.EMPTY);
            second.partitions().get(0).setPreferredReadReplica(5);
            fetch.responses().add(second);

            assertThatThrownBy(() -> ResponseSerializer.serialize(1, ApiKeys.FETCH, (short) 10, fetch, ALLOCATOR))
                    .isInstanceOf(UnsupportedVersionException.class);
            assertThat(releases).hasValue(1);
        }
    }

    @Test
    void varintsMatchKafkaClients() {
        Random random = new Random(20261126L);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, -1L, 63L, 64L, -64L, -65L, 127L, 128L, 16_383L, 16_384L,
                (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE));
        for (int i = 0; i < 500; i++) {
            values.add(random.nextLong() >> random.nextInt(64));
        }
        for (long value : values) {
            assertVarintsMatch((int) value, value);
        }
    }

    private static void assertVarintsMatch(int intValue, long longValue) {
        ByteBuffer theirs = ByteBuffer.allocate(20);
        ByteBufferAccessor accessor = new ByteBufferAccessor(theirs);
        accessor.writeUnsignedVarint(intValue);
        accessor.writeVarint(intValue);
        accessor.writeVarlong(longValue);
        byte[] expected = new byte[theirs.position()];
        theirs.flip().get(expected);

        ByteBufWritable ours = new ByteBufWritable(ALLOCATOR, expected.length);
        ours.writeUnsignedVarint(intValue);
        ours.writeVarint(intValue);
        ours.writeVarlong(longValue);

        assertThat(Parts.drainAll(ours.finish())).as("%d / %d", intValue, longValue).isEqualTo(expected);
    }

    private static void assertSameAsKafkaClients(ApiKeys key, short version, ApiMessage body) {
        List<Object> parts = ResponseSerializer.serialize(42, key, version, body, ALLOCATOR);

        assertThat(Parts.drainAll(parts)).as("%s v%d", key, version)
                .isEqualTo(kafkaClientsFrame(key, version, 42, body));
    }

    private static byte[] kafkaClientsFrame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        ByteBuffer payload = RequestUtils.serialize(new ResponseHeaderData().setCorrelationId(correlationId),
                key.responseHeaderVersion(version), body, version);
        return KafkaWire.frame(payload);
    }

    private static FetchResponseData fetchWith(org.apache.kafka.common.record.internal.BaseRecords records) {
        FetchResponseData fetch = new FetchResponseData().setErrorCode(Errors.NONE.code());
        fetch.responses().add(topicWith(0, records));
        return fetch;
    }

    private static FetchResponseData.FetchableTopicResponse topicWith(int partition,
            org.apache.kafka.common.record.internal.BaseRecords records) {
        return new FetchResponseData.FetchableTopicResponse().setTopic("t" + partition)
                .setTopicId(new Uuid(1, partition + 1))
                .setPartitions(new ArrayList<>(List.of(new FetchResponseData.PartitionData()
                        .setPartitionIndex(partition).setHighWatermark(10).setRecords(records))));
    }

    private static MemoryRecords records(String... values) {
        SimpleRecord[] simple = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            simple[i] = new SimpleRecord(values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, simple);
    }

    /** A file holding 3 junk bytes, then {@code records}. */
    private FileChannel fileHolding(MemoryRecords records) throws IOException {
        Path path = Files.createTempFile(dir, "segment", ".log");
        try (FileChannel writer = FileChannel.open(path, StandardOpenOption.WRITE)) {
            writer.write(ByteBuffer.wrap(new byte[] {9, 9, 9}));
            writer.write(records.buffer());
            writer.force(true);
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }
}

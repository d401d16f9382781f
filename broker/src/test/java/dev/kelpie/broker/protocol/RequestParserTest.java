package dev.kelpie.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.Test;

class RequestParserTest {
    private final RequestParser parser = new RequestParser(
            new ApiVersionsResponder(EnumSet.of(ApiKeys.PRODUCE, ApiKeys.METADATA)));

    @Test
    void parsesAServedRequest() {
        ByteBuffer payload = KafkaWire.requestPayload(ApiKeys.METADATA, (short) 12, 7,
                new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("a"))));

        ParsedFrame parsed = parser.parse(payload);

        assertThat(parsed).isInstanceOf(ParsedFrame.Request.class);
        ParsedFrame.Request request = (ParsedFrame.Request) parsed;
        assertThat(request.header().correlationId()).isEqualTo(7);
        assertThat(request.header().clientId()).isEqualTo(KafkaWire.CLIENT_ID);
        assertThat(((MetadataRequest) request.request()).topics()).containsExactly("a");
    }

    @Test
    void produceRecordsSurviveTheCallerReusingNothing() {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("t").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));

        ParsedFrame parsed = parser.parse(KafkaWire.requestPayload(ApiKeys.PRODUCE, (short) 11, 1, data));

        ProduceRequest produce = (ProduceRequest) ((ParsedFrame.Request) parsed).request();
        MemoryRecords parsedRecords = (MemoryRecords) produce.data().topicData().iterator().next().partitionData().get(0).records();
        assertThat(parsedRecords.buffer()).isEqualTo(records.buffer());
    }

    @Test
    void answersTooNewApiVersionsWithAV0StandIn() {
        ByteBuffer payload = KafkaWire.requestPayload(ApiKeys.API_VERSIONS, (short) 99, 3, new ApiVersionsRequestData());

        ParsedFrame parsed = parser.parse(payload);

        assertThat(parsed).isInstanceOf(ParsedFrame.Answered.class);
        ParsedFrame.Answered answered = (ParsedFrame.Answered) parsed;
        assertThat(answered.header().correlationId()).isEqualTo(3);
        assertThat(answered.request().version()).isZero();
        assertThat(((ApiVersionsRequest) answered.request()).hasUnsupportedRequestVersion()).isTrue();
        assertThat(((ApiVersionsResponse) answered.response()).data().errorCode())
                .isEqualTo(Errors.UNSUPPORTED_VERSION.code());
    }

    @Test
    void rejectsUnknownApiKeys() {
        assertRejected(KafkaWire.rawRequest(9999, 0, 1, new byte[0]), "header");
        assertRejected(KafkaWire.rawRequest(-1, 0, 1, new byte[0]), "header");
    }

    @Test
    void rejectsUnservedVersions() {
        assertRejected(KafkaWire.rawRequest(ApiKeys.METADATA.id, 99, 1, new byte[0]), "");
        assertRejected(KafkaWire.request(ApiKeys.METADATA, (short) 99, 1, new MetadataRequestData()), "not served");
        assertRejected(KafkaWire.rawRequest(ApiKeys.PRODUCE.id, 0, 1, new byte[0]), "not served");
        assertRejected(KafkaWire.rawRequest(ApiKeys.PRODUCE.id, 2, 1, new byte[0]), "not served");
        assertRejected(KafkaWire.rawRequest(ApiKeys.FETCH.id, 11, 1, new byte[0]), "not served");
    }

    @Test
    void rejectsTruncatedHeaders() {
        assertRejected(new byte[] {0, 0, 0, 6, 0, 3, 0, 1, 0, 0}, "header");
        // client id length 1000 with 2 bytes left
        assertRejected(frameOf(ByteBuffer.allocate(12).putShort((short) 3).putShort((short) 1).putInt(5)
                .putShort((short) 1000).putShort((short) 0).array()), "header");
        // client id length -2 (only -1, null, is legal)
        assertRejected(frameOf(ByteBuffer.allocate(10).putShort((short) 3).putShort((short) 1).putInt(5)
                .putShort((short) -2).array()), "header");
    }

    @Test
    void rejectsAbsurdArrayLengthsBeforeAllocating() {
        byte[] body = ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array();
        byte[] frame = KafkaWire.rawRequest(ApiKeys.METADATA.id, 1, 1, body);
        assertRejected(frame, "malformed");

        long allocatedBytes = allocatedBytesOf(() -> assertRejected(frame, "malformed"));

        // A list sized for 2^31-1 topics would take gigabytes; rejecting it takes a few objects.
        assertThat(allocatedBytes).isLessThan(64 * 1024);
    }

    private static long allocatedBytesOf(Runnable action) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(threadId);
        action.run();
        return threads.getThreadAllocatedBytes(threadId) - before;
    }

    @Test
    void rejectsGarbageBodies() {
        // Metadata v12 is flexible: header v2 needs a tagged-field count, then a compact array length varint.
        byte[] clientId = KafkaWire.CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(10 + clientId.length + 1 + 6);
        payload.putShort(ApiKeys.METADATA.id).putShort((short) 12).putInt(1).putShort((short) clientId.length)
                .put(clientId).put((byte) 0).put(new byte[] {-1, -1, -1, -1, -1, -1}).flip();

        ParsedFrame parsed = parser.parse(payload);

        assertThat(parsed).isInstanceOf(ParsedFrame.Rejected.class);
        assertThat(((ParsedFrame.Rejected) parsed).reason()).contains("malformed");
    }

    private void assertRejected(byte[] frame, String reasonFragment) {
        ByteBuffer payload = ByteBuffer.wrap(frame, 4, frame.length - 4).slice();

        ParsedFrame parsed = parser.parse(payload);

        assertThat(parsed).isInstanceOf(ParsedFrame.Rejected.class);
        assertThat(((ParsedFrame.Rejected) parsed).reason()).contains(reasonFragment);
    }

    private static byte[] frameOf(byte[] payload) {
        return KafkaWire.frame(ByteBuffer.wrap(payload));
    }
}

package dev.kelpie.broker.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;

/** Test-side client encoding, with kafka-clients classes (independent of the code under test). */
public final class KafkaWire {
    public static final String CLIENT_ID = "kelpie-test";

    private KafkaWire() {
    }

    /** A request frame, size prefix included. */
    public static byte[] request(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, version, CLIENT_ID, correlationId);
        return frame(RequestUtils.serialize(header.data(), header.headerVersion(), body, version));
    }

    /** The payload without the size prefix. */
    public static ByteBuffer requestPayload(ApiKeys key, short version, int correlationId, ApiMessage body) {
        RequestHeader header = new RequestHeader(key, version, CLIENT_ID, correlationId);
        return RequestUtils.serialize(header.data(), header.headerVersion(), body, version);
    }

    /** A header v1 (key, version, correlation id, client id) followed by {@code body}, size prefix included. */
    public static byte[] rawRequest(int apiKey, int version, int correlationId, byte[] body) {
        byte[] clientId = CLIENT_ID.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + 2 + 4 + 2 + clientId.length + body.length);
        payload.putShort((short) apiKey).putShort((short) version).putInt(correlationId)
                .putShort((short) clientId.length).put(clientId).put(body).flip();
        return frame(payload);
    }

    public static byte[] frame(ByteBuffer payload) {
        ByteBuffer frame = ByteBuffer.allocate(Integer.BYTES + payload.remaining());
        frame.putInt(payload.remaining()).put(payload.duplicate());
        return frame.array();
    }

    public static byte[] sizePrefix(int declaredSize) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(declaredSize).array();
    }

    public record Response(int correlationId, AbstractResponse body) {
    }

    /** Parses one response frame's payload (no size prefix) sent for {@code key} at {@code version}. */
    public static Response response(ByteBuffer payload, ApiKeys key, short version) {
        ResponseHeader header = ResponseHeader.parse(payload, key.responseHeaderVersion(version));
        AbstractResponse body = AbstractResponse.parseResponse(key, new ByteBufferAccessor(payload), version);
        return new Response(header.correlationId(), body);
    }
}

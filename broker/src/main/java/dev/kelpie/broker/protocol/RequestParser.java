package dev.kelpie.broker.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns one request frame (the bytes after the int32 size) into a {@link ParsedFrame}, using only
 * kafka-clients 4.4 classes.
 *
 * <ol>
 *   <li>{@code RequestHeader.parse}: picks header v1 or v2 from the api key and version; an unknown key,
 *       a key with no valid version, a truncated header, or a client id length below -1 is rejected.</li>
 *   <li>ApiVersions newer than we serve is answered with the v0 UNSUPPORTED_VERSION reply (KIP-511); its
 *       body is not read.</li>
 *   <li>Any other version not {@link ApiVersionsResponder#isServed served} is rejected (Produce v0–2
 *       included, as Kafka 4.4's socket server does).</li>
 *   <li>{@code AbstractRequest.parseRequest}: the generated readers check every array, string and tagged
 *       field length against the bytes remaining before allocating; any failure is rejected.</li>
 * </ol>
 *
 * <p>Memory: parsed {@code MemoryRecords} (Produce) alias {@code frame}; nothing else does (the generated
 * readers copy strings and byte fields). The caller keeps {@code frame} unchanged for as long as the request is
 * in use: the network layer parses Produce frames in place and holds their pooled buffer until the handler is
 * done, and copies every other frame into a heap buffer of its own.
 *
 * <p>Thread-safety: immutable; safe from any thread.
 */
public final class RequestParser {
    /**
     * Where the int16 client id length sits in header v1 and v2 (after api key, version, correlation id). The
     * generated reader takes any negative length as null; only -1 is legal, so other negatives are rejected.
     */
    private static final int CLIENT_ID_LENGTH_OFFSET = 8;

    private final ApiVersionsResponder apiVersions;

    public RequestParser(ApiVersionsResponder apiVersions) {
        this.apiVersions = Objects.requireNonNull(apiVersions);
    }

    /** Parses {@code frame} from its position to its limit. Never throws for bad input. */
    public ParsedFrame parse(ByteBuffer frame) {
        if (frame.remaining() >= CLIENT_ID_LENGTH_OFFSET + Short.BYTES
                && frame.getShort(frame.position() + CLIENT_ID_LENGTH_OFFSET) < -1) {
            return new ParsedFrame.Rejected("bad request header: client id length "
                    + frame.getShort(frame.position() + CLIENT_ID_LENGTH_OFFSET));
        }
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            return new ParsedFrame.Rejected("bad request header: " + e.getMessage());
        }
        ApiKeys key = header.apiKey();
        short version = header.apiVersion();
        if (key == ApiKeys.API_VERSIONS && version > ApiKeys.API_VERSIONS.latestVersion(false)) {
            ApiVersionsRequest standIn = new ApiVersionsRequest(new ApiVersionsRequestData(), (short) 0, version);
            return new ParsedFrame.Answered(header, standIn, apiVersions.unsupportedVersion());
        }
        if (!apiVersions.isServed(key, version)) {
            return new ParsedFrame.Rejected(key + " v" + version + " is not served");
        }
        try {
            AbstractRequest request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
            return new ParsedFrame.Request(header, request);
        } catch (RuntimeException e) {
            return new ParsedFrame.Rejected("malformed " + key + " v" + version + " body: " + e.getMessage());
        }
    }
}

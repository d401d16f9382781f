package dev.kelpie.broker.protocol;

import java.util.Objects;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * What one request frame turned into: a request to handle, a request already answered by the protocol
 * layer, or a reason to close the connection.
 *
 * <p>Immutable apart from the kafka-clients objects it carries, which nobody mutates after parsing.
 */
public sealed interface ParsedFrame {

    /** A served request; its response is encoded at {@code request.version()}. */
    record Request(RequestHeader header, AbstractRequest request) implements ParsedFrame {
        public Request {
            Objects.requireNonNull(header);
            Objects.requireNonNull(request);
        }
    }

    /**
     * A request answered without a handler: an ApiVersions request newer than we serve (KIP-511).
     * {@code request} is a v0 stand-in carrying the client's version, so the reply is encoded as v0.
     */
    record Answered(RequestHeader header, AbstractRequest request, AbstractResponse response) implements ParsedFrame {
        public Answered {
            Objects.requireNonNull(header);
            Objects.requireNonNull(request);
            Objects.requireNonNull(response);
        }
    }

    /** Unknown api key, unserved version, or malformed header or body: close the connection. */
    record Rejected(String reason) implements ParsedFrame {
        public Rejected {
            Objects.requireNonNull(reason);
        }
    }
}

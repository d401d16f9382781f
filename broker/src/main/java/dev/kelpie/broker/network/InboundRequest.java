package dev.kelpie.broker.network;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * A decoded request on its way from {@link RequestDecoder} to {@link RequestDispatcher}. Its response is
 * encoded at {@code request().version()} for {@code context().header().correlationId()}.
 *
 * <p>Immutable.
 */
sealed interface InboundRequest {
    RequestContext context();

    AbstractRequest request();

    /** The network buffer {@link #request()} aliases; released once the request is done with. */
    FrameLease lease();

    /** For the {@link RequestHandler}. */
    record ToHandle(RequestContext context, AbstractRequest request, FrameLease lease) implements InboundRequest {
    }

    /** Already answered by the protocol layer (a too-new ApiVersions request); still waits its turn. */
    record Answered(RequestContext context, AbstractRequest request, AbstractResponse response)
            implements InboundRequest {
        @Override
        public FrameLease lease() {
            return FrameLease.NONE;
        }
    }
}

package dev.kelpie.broker.network;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * A response whose turn has come, written by {@link RequestDispatcher} and encoded by {@link ResponseEncoder}.
 *
 * <p>Immutable.
 */
record OutboundResponse(RequestContext context, AbstractRequest request, AbstractResponse response) {
    int correlationId() {
        return context.header().correlationId();
    }
}

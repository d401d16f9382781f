package dev.kelpie.broker.network;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * What the network layer calls for every decoded request: the seam between {@code network} and
 * {@code server}.
 *
 * <p>Called on the connection's event loop: it must not block. The stage completes with the response body,
 * or with {@code null} when no response is sent (Produce with acks=0). A stage that fails with a Kafka
 * {@code ApiException} becomes that error's response ({@code request.getErrorResponse}); any other
 * failure becomes UNKNOWN_SERVER_ERROR. Responses leave in request order per connection whatever order
 * the stages complete in.
 *
 * <p>Buffers: the request may alias a pooled network buffer (a Produce request's {@code MemoryRecords}), which
 * returns to the pool when the stage completes. A handler must therefore not complete its stage while any of
 * its work may still read the request's records, and must not keep them (copy what it needs to keep).
 */
@FunctionalInterface
public interface RequestHandler {
    CompletionStage<AbstractResponse> handle(RequestContext context, AbstractRequest request);
}

package dev.kelpie.broker.server;

import dev.kelpie.broker.network.RequestContext;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * The handler of one API key, registered in {@link RequestDispatcher}'s table.
 *
 * <p>Which versions are advertised and served is decided by
 * {@link dev.kelpie.broker.protocol.ApiVersionsResponder} (Kafka 4.4's ranges); a handler serves all of them,
 * topic-name and topic-id variants, flexible and not.
 *
 * <p>Called on a Netty event loop: it must not block. Work that touches partition logs goes to the
 * partition's owner thread ({@link PartitionManager}); metadata writes go to the controller. A failure is a
 * stage completed exceptionally with a Kafka {@code ApiException} (a thrown one is caught and treated the
 * same); the network layer turns it into the request's error response.
 *
 * @param <R> the request class of the key
 */
public interface ApiHandler<R extends AbstractRequest> {

    ApiKeys apiKey();

    Class<R> requestType();

    CompletionStage<AbstractResponse> handle(RequestContext context, R request);
}

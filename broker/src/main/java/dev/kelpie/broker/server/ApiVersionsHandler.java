package dev.kelpie.broker.server;

import dev.kelpie.broker.network.RequestContext;
import dev.kelpie.broker.protocol.ApiVersionsResponder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;

/**
 * ApiVersions (key 18, v0–5): the registered handlers' keys with Kafka 4.4's ranges (Produce from 0), as
 * {@link ApiVersionsResponder} computes them, nothing else, so clients never call an API the broker lacks.
 * v3+ requests must carry a valid client software name and version (INVALID_REQUEST otherwise). A version
 * too new is answered by the protocol layer (KIP-511 v0 reply) before it gets here.
 *
 * <p>Thread-safety: immutable.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiVersionsResponder responder;

    public ApiVersionsHandler(ApiVersionsResponder responder) {
        this.responder = responder;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public Class<ApiVersionsRequest> requestType() {
        return ApiVersionsRequest.class;
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
        return CompletableFuture.completedFuture(responder.respond(request));
    }
}

package dev.kelpie.broker.server;

import dev.kelpie.broker.network.RequestContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;

/**
 * ApiVersions (key 18, v0–4.4's latest): the registered handlers and their version ranges, nothing else, so
 * clients never call an API the broker lacks. v3+ requests must carry a valid client software name and
 * version (INVALID_REQUEST otherwise). A version too new for the broker is answered by the network layer
 * (KIP-511 v0 reply) before it gets here.
 *
 * <p>Thread-safety: immutable after construction.
 */
public final class ApiVersionsHandler implements ApiHandler<ApiVersionsRequest> {
    private final ApiVersionCollection advertised;

    /** @param others every other registered handler; this one is added to what is advertised */
    public ApiVersionsHandler(Collection<? extends ApiHandler<?>> others) {
        List<ApiHandler<?>> all = new ArrayList<>(others);
        all.add(this);
        all.sort(Comparator.comparingInt(h -> h.apiKey().id));
        advertised = new ApiVersionCollection();
        for (ApiHandler<?> h : all) {
            advertised.add(new ApiVersion().setApiKey(h.apiKey().id).setMinVersion(h.minVersion())
                    .setMaxVersion(h.maxVersion()));
        }
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.API_VERSIONS;
    }

    @Override
    public Class<ApiVersionsRequest> requestType() {
        return ApiVersionsRequest.class;
    }

    /** The advertised ranges (a fresh copy). */
    public ApiVersionCollection advertised() {
        return advertised.duplicate();
    }

    @Override
    public CompletionStage<AbstractResponse> handle(RequestContext context, ApiVersionsRequest request) {
        if (!request.isValid()) {
            throw new InvalidRequestException("Invalid client software name or version: "
                    + request.data().clientSoftwareName() + " " + request.data().clientSoftwareVersion());
        }
        ApiVersionsResponseData data = new ApiVersionsResponseData().setApiKeys(advertised.duplicate());
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data));
    }
}
